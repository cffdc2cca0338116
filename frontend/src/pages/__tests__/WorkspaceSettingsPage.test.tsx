import { screen } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { describe, expect, it } from 'vitest';

import type { TenantUpdate } from '../../client';
import { problem, TENANT_ID, workspace } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const WORKSPACE = api(`/api/v1/tenants/${TENANT_ID}`);

describe('WorkspaceSettingsPage', () => {
  it('sends only what changed and shows the API’s field errors next to the fields', async () => {
    const sent: unknown[] = [];
    server.use(
      http.get(WORKSPACE, () => json(workspace)),
      http.patch<PathParams, TenantUpdate>(WORKSPACE, async ({ request }) => {
        const body = await request.json();
        sent.push(body);
        if (body.slug === 'taken') {
          return problemResponse(
            problem(409, 'conflict', 'Conflict', {
              detail: "The slug 'taken' is taken",
              instance: `/api/v1/tenants/${TENANT_ID}`,
              errors: [
                { field: 'body.slug', loc: ['body', 'slug'], message: 'taken', code: 'taken' },
              ],
            }),
          );
        }
        return json({ ...workspace, ...body, updated_at: '2026-03-01T00:00:00Z' });
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/workspace`);

    const slug = await screen.findByLabelText('Slug');
    expect(screen.getByLabelText('Time zone')).toHaveValue('Europe/Madrid');
    await user.clear(slug);
    await user.type(slug, 'taken');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(sent).toEqual([{ slug: 'taken' }]);
    expect(await screen.findByText('taken', { selector: 'p' })).toBeInTheDocument();
    expect(slug).toHaveAttribute('aria-invalid', 'true');
    expect(slug).toHaveAccessibleDescription(/^taken Lower-case letters/);

    await user.clear(slug);
    await user.type(slug, 'acme');
    await user.selectOptions(screen.getByLabelText('Time zone'), 'UTC');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(sent[1]).toEqual({ slug: 'acme', timezone: 'UTC' });
    expect(await screen.findByText('Workspace saved')).toBeInTheDocument();
    expect(slug).not.toHaveAttribute('aria-invalid');
  });
});
