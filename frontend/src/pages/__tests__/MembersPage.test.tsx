import { screen, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { InvitationCreated, InvitationRead } from '../../client';
import { member, TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;

describe('MembersPage', () => {
  it('invites by email and role, shows the one-time link, and lists the invitation', async () => {
    const invitations: InvitationRead[] = [];
    let sent: unknown;
    server.use(
      http.get(api(`${BASE}/members`), () =>
        json({ items: [member], total: 1, limit: 50, offset: 0 }),
      ),
      http.get(api(`${BASE}/invitations`), () =>
        json({ items: invitations, total: invitations.length, limit: 200, offset: 0 }),
      ),
      http.post(api(`${BASE}/invitations`), async ({ request }) => {
        sent = await request.json();
        const created: InvitationCreated = {
          id: '3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b',
          email: 'bo@example.com',
          role: 'admin',
          created_at: new Date().toISOString(),
          expires_at: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
          accepted_at: null,
          revoked_at: null,
          token: 'inv_abcdefghijklmnop',
          accept_url: 'http://localhost:3000/invite#inv_abcdefghijklmnop',
        };
        const { token: _t, accept_url: _u, ...read } = created;
        invitations.push(read);
        return json(created, 201);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/members`);

    expect(await screen.findByText('(you)')).toBeInTheDocument();
    expect(await screen.findByText('No pending invitations.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Email'), 'bo@example.com');
    await user.selectOptions(screen.getByLabelText('Role'), 'admin');
    await user.click(screen.getByRole('button', { name: 'Invite' }));

    expect(sent).toEqual({ email: 'bo@example.com', role: 'admin' });
    expect(await screen.findByLabelText('Invite link')).toHaveValue(
      'http://localhost:3000/invite#inv_abcdefghijklmnop',
    );
    expect(screen.getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    const pending = (await screen.findAllByText('bo@example.com')).find((el) => el.closest('li'));
    expect(
      within(pending!.closest('li')!).getByRole('button', { name: 'Revoke' }),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Invite link')).not.toBeInTheDocument();
  });
});
