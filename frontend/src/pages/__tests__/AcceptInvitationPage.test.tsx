import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { InvitationPreview } from '../../client';
import { problem, session, TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const preview: InvitationPreview = {
  tenant_name: 'Acme Sales',
  email: 'new@example.com',
  role: 'member',
  expires_at: '2099-01-01T00:00:00Z',
  account_exists: false,
};

describe('AcceptInvitationPage', () => {
  it('reads the token from the hash, looks it up, then accepts and opens the workspace', async () => {
    const calls: unknown[] = [];
    server.use(
      http.post(api('/api/v1/invitations/lookup'), async ({ request }) => {
        calls.push(['lookup', await request.json()]);
        return json(preview);
      }),
      http.post(api('/api/v1/invitations/accept'), async ({ request }) => {
        calls.push(['accept', await request.json()]);
        return json(session);
      }),
    );
    const { user, router } = renderApp('/invite#inv_0123456789abcdef');

    expect(await screen.findByRole('heading', { name: 'Join Acme Sales' })).toBeInTheDocument();
    expect(calls).toEqual([['lookup', { token: 'inv_0123456789abcdef' }]]);
    await user.type(screen.getByLabelText('Your name'), 'Nina');
    await user.type(screen.getByLabelText('Choose a password'), 'long enough password');
    await user.click(screen.getByRole('button', { name: 'Create account and join' }));

    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/dashboard`),
    );
    expect(calls[1]).toEqual([
      'accept',
      { token: 'inv_0123456789abcdef', password: 'long enough password', name: 'Nina' },
    ]);
  });

  it('says plainly when the invitation no longer works', async () => {
    server.use(
      http.post(api('/api/v1/invitations/lookup'), () =>
        problemResponse(
          problem(404, 'not-found', 'Not found', {
            detail: 'The invitation is unknown, used, revoked or expired',
          }),
        ),
      ),
    );
    renderApp('/invite#inv_0123456789abcdef');
    expect(await screen.findByText('This invitation no longer works')).toBeInTheDocument();
  });

  it('explains a link without a token', () => {
    renderApp('/invite');
    expect(screen.getByText('This link is incomplete')).toBeInTheDocument();
  });
});
