import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { ApiKeyRead, ScopeRead } from '../../client';
import { apiKeyPage, createdKey, existingKey, TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const KEYS = api(`/api/v1/tenants/${TENANT_ID}/api-keys`);
const SCOPES = api(`/api/v1/tenants/${TENANT_ID}/api-keys/scopes`);
const scopeList: ScopeRead[] = [
  {
    name: 'workspace:read',
    description: 'Read workspace settings',
    grantable: true,
    members: true,
  },
  { name: 'members:read', description: 'List members', grantable: true, members: true },
  { name: 'members:write', description: 'Invite members', grantable: false, members: false },
  { name: 'chat:write', description: 'Talk to agents', grantable: true, members: true },
];

describe('ApiKeysPage', () => {
  it('shows a new key once, in a dialog, and only its prefix afterwards', async () => {
    const stored: ApiKeyRead[] = [existingKey];
    let sent: unknown;
    server.use(
      http.get(SCOPES, () => json(scopeList)),
      http.get(KEYS, () => json(apiKeyPage(stored))),
      http.post(KEYS, async ({ request }) => {
        sent = await request.json();
        const created = createdKey('Zapier', ['workspace:read', 'members:read']);
        const { key: _secret, ...read } = created;
        stored.unshift(read);
        return json(created, 201);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/api-keys`);

    expect(await screen.findByText('CRM sync')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = screen.getByRole('dialog', { name: 'Create API key' });
    // Every scope the API grants to keys is offered, as the API lists them; no other.
    expect(await within(form).findByRole('checkbox', { name: /chat:write/ })).toBeInTheDocument();
    expect(within(form).getAllByRole('checkbox')).toHaveLength(3);
    expect(within(form).queryByRole('checkbox', { name: /members:write/ })).toBeNull();
    await user.type(within(form).getByLabelText('Name'), 'Zapier');
    await user.click(within(form).getByRole('checkbox', { name: /members:read/ }));
    await user.click(within(form).getByRole('button', { name: 'Create key' }));

    expect(sent).toEqual({ name: 'Zapier', scopes: ['workspace:read', 'members:read'] });
    const shown = await screen.findByRole('dialog', { name: 'Copy your new API key' });
    expect(within(shown).getByLabelText('API key')).toHaveValue(
      'ap_live_9z8y7x6w5v4u3t2s1r0q-secret-shown-once',
    );
    expect(within(shown).getByText(/only time the key is shown/)).toBeInTheDocument();

    await user.click(within(shown).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByText('Zapier')).toBeInTheDocument();
    expect(screen.getByText('ap_live_9z8y…')).toBeInTheDocument();
    expect(screen.queryByDisplayValue(/secret-shown-once/)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('secret-shown-once');

    // Opening the create dialog again starts empty and never brings the old key back.
    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    const again = screen.getByRole('dialog', { name: 'Create API key' });
    expect(within(again).getByLabelText('Name')).toHaveValue('');
    expect(document.body).not.toHaveTextContent('secret-shown-once');
  });

  it('revokes a key after confirmation', async () => {
    let revoked = false;
    server.use(
      http.get(KEYS, () =>
        json(
          apiKeyPage([
            revoked ? { ...existingKey, revoked_at: '2026-03-02T08:00:00Z' } : existingKey,
          ]),
        ),
      ),
      http.delete(`${KEYS}/${existingKey.id}`, () => {
        revoked = true;
        return new Response(null, { status: 204 });
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/api-keys`);

    await user.click(await screen.findByRole('button', { name: 'Revoke' }));
    const confirm = screen.getByRole('dialog', { name: 'Revoke API key?' });
    await user.click(within(confirm).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(revoked).toBe(true));
    expect(await screen.findByText(/^Revoked/)).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('API key revoked');
  });

  it('says so when there are no keys yet', async () => {
    server.use(http.get(KEYS, () => json(apiKeyPage([]))));
    renderApp(`/manage/${TENANT_ID}/settings/api-keys`);
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();
  });
});
