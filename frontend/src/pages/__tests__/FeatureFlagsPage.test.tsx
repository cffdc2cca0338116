import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';

import type { FeatureFlagSet } from '../../client';
import { describe, expect, it } from 'vitest';

import { featureFlags, OTHER_TENANT_ID, problem, TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const FLAGS = api(`/api/v1/tenants/${TENANT_ID}/feature-flags`);

describe('FeatureFlagsPage', () => {
  it('toggling a flag PUTs it, and reset DELETEs the override', async () => {
    const calls: string[] = [];
    server.use(
      http.get(FLAGS, () => json(featureFlags())),
      http.put<{ key: string }, FeatureFlagSet>(`${FLAGS}/:key`, async ({ params, request }) => {
        const body = await request.json();
        calls.push(`PUT ${String(params.key)} ${JSON.stringify(body)}`);
        return json(featureFlags({ [String(params.key)]: body.enabled }));
      }),
      http.delete(`${FLAGS}/:key`, ({ params }) => {
        calls.push(`DELETE ${String(params.key)}`);
        return json(featureFlags());
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/feature-flags`);

    const toggle = await screen.findByRole('switch', { name: 'member_invitations' });
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    const row = toggle.closest('li')!;
    expect(within(row).getByText('Default')).toBeInTheDocument();

    await user.click(toggle);

    expect(calls).toEqual(['PUT member_invitations {"enabled":true}']);
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'true'));
    expect(within(row).getByText('Overridden')).toBeInTheDocument();
    expect(within(row).getByText('Default: off')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Reset to default' }));

    expect(calls).toEqual(['PUT member_invitations {"enabled":true}', 'DELETE member_invitations']);
    await waitFor(() => expect(toggle).toHaveAttribute('aria-checked', 'false'));
    expect(within(row).getByText('Default')).toBeInTheDocument();
  });

  it('is read-only for a member', async () => {
    server.use(http.get(api('/api/v1/tenants/:id/feature-flags'), () => json(featureFlags())));
    // In the fixtures the caller is only a member of the other workspace.
    renderApp(`/manage/${OTHER_TENANT_ID}/settings/feature-flags`);

    const toggle = await screen.findByRole('switch', { name: 'api_keys' });
    expect(toggle).toBeDisabled();
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByText(/only owners and admins edit/)).toBeInTheDocument();
  });

  it('shows a refused change (403) as an error toast and keeps the flag as it was', async () => {
    server.use(
      http.get(FLAGS, () => json(featureFlags())),
      http.put(`${FLAGS}/:key`, () =>
        problemResponse(
          problem(403, 'forbidden', 'Not allowed', {
            detail: "This needs the 'workspace:write' permission",
          }),
        ),
      ),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/feature-flags`);

    const toggle = await screen.findByRole('switch', { name: 'api_keys' });
    await user.click(toggle);

    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Not allowed');
    expect(toast).toHaveTextContent("This needs the 'workspace:write' permission");
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(toggle).toBeEnabled();
  });
});
