import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import { problem, session, TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const signedOut = () =>
  problemResponse(
    problem(401, 'unauthorized', 'Authentication required', {
      detail: 'Sign in or send an API key',
    }),
  );

describe('LoginPage', () => {
  it('signs in with the form and opens the workspace', async () => {
    let sent: unknown;
    let signedInNow = false;
    server.use(
      http.get(api('/api/v1/auth/me'), () => (signedInNow ? json(session) : signedOut())),
      http.post(api('/api/v1/auth/login'), async ({ request }) => {
        sent = await request.json();
        signedInNow = true;
        return json(session);
      }),
    );
    const { user, router } = renderApp('/login');

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(sent).toEqual({ email: 'ana@example.com', password: 'correct horse' });
    expect(
      await screen.findByRole('heading', { name: 'Acme Sales', level: 1 }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/dashboard`);
    expect(screen.getByText('Knowledge is coming')).toBeInTheDocument();
  });

  it('shows a wrong password in the form and stays', async () => {
    server.use(
      http.get(api('/api/v1/auth/me'), () => signedOut()),
      http.post(api('/api/v1/auth/login'), () =>
        problemResponse(
          problem(401, 'invalid-credentials', 'Email or password is wrong', {
            instance: '/api/v1/auth/login',
          }),
        ),
      ),
    );
    const { user, router } = renderApp('/login');

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is wrong');
    expect(router.state.location.pathname).toBe('/login');
  });

  it('sends a signed-out visitor to /login and back to the page afterwards', async () => {
    server.use(http.get(api('/api/v1/auth/me'), () => signedOut()));
    const { router, user } = renderApp(`/manage/${TENANT_ID}/settings/members`);

    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.search).toBe(
      `?next=${encodeURIComponent(`/manage/${TENANT_ID}/settings/members`)}`,
    );

    // Signed in from the moment the form is sent (the login page asks /auth/me itself first).
    let signedInNow = false;
    server.use(
      http.post(api('/api/v1/auth/login'), () => {
        signedInNow = true;
        return json(session);
      }),
      http.get(api('/api/v1/auth/me'), () => (signedInNow ? json(session) : signedOut())),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/members`), () =>
        json({ items: [], total: 0, limit: 50, offset: 0 }),
      ),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/invitations`), () =>
        json({ items: [], total: 0, limit: 200, offset: 0 }),
      ),
    );
    await user.type(await screen.findByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Members', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/settings/members`);
  });
});
