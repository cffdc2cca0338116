import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { KommoStatus, LongLivedTokenConnectWritable } from '../../client';
import { paths } from '../../paths';
import { fieldError, OTHER_TENANT_ID, problem, TENANT_ID } from '../../test/fixtures';
import {
  eventPage,
  KOMMO_WEBHOOK_URL,
  kommoNotConnected,
  kommoStatus,
  pipelinePage,
  slackNotConfigured,
  syncPage,
} from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const kommo = (tenantId: string, path = '') =>
  api(`/api/v1/tenants/${tenantId}/integrations/kommo${path}`);

/** The Kommo status asked for, and nothing synced nor Slack set (tests override those). */
function answersStatus(status: KommoStatus, tenantId = TENANT_ID) {
  server.use(
    http.get(kommo(tenantId, '/status'), () => json(status)),
    http.get(kommo(tenantId, '/syncs'), () => json(syncPage([]))),
    http.get(kommo(tenantId, '/pipelines'), () => json(pipelinePage([]))),
    http.get(kommo(tenantId, '/events'), () => json(eventPage([]))),
    http.get(api(`/api/v1/tenants/${tenantId}/integrations/slack`), () => json(slackNotConfigured)),
  );
}

const kommoCard = () => screen.getByRole('heading', { name: 'Kommo' }).closest('section')!;

describe('IntegrationsPage: Kommo status', () => {
  it('shows a connected account, its webhook URL to copy, and disconnects after confirming', async () => {
    let connected = true;
    answersStatus(kommoStatus());
    server.use(
      http.get(kommo(TENANT_ID, '/status'), () =>
        json(connected ? kommoStatus() : kommoNotConnected()),
      ),
      http.delete(kommo(TENANT_ID), () => {
        connected = false;
        return json({ webhooks_removed: 1, webhook_error: null });
      }),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    expect(await screen.findByText('Connected')).toBeInTheDocument();
    const card = kommoCard();
    expect(within(card).getByRole('link', { name: 'acme' })).toHaveAttribute(
      'href',
      'https://acme.kommo.com',
    );
    expect(within(card).getByText('Kommo sign-in (OAuth)')).toBeInTheDocument();
    expect(within(card).getByLabelText('Webhook URL')).toHaveValue(KOMMO_WEBHOOK_URL);
    expect(within(card).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
    expect(within(card).queryByRole('alert')).toBeNull();

    await user.click(within(card).getByRole('button', { name: 'Disconnect' }));
    const confirm = screen.getByRole('dialog', { name: 'Disconnect Kommo?' });
    await user.click(within(confirm).getByRole('button', { name: 'Disconnect Kommo' }));

    await waitFor(() => expect(connected).toBe(false));
    expect(await screen.findByText('Not connected')).toBeInTheDocument();
    expect(await screen.findByText('1 webhook removed from the account.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect Kommo' })).toBeInTheDocument();
  });

  it('says plainly when Kommo must be connected again, and offers to', async () => {
    answersStatus(
      kommoStatus({
        state: 'reconnect_required',
        last_error: 'The integration was disabled in Kommo: connect Kommo again',
      }),
    );
    renderApp(paths.integrations(TENANT_ID));

    const warning = await screen.findByRole('alert');
    expect(warning).toHaveTextContent('Kommo needs to be connected again');
    expect(warning).toHaveTextContent('The integration was disabled in Kommo');
    expect(screen.getByText('Reconnect required')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reconnect Kommo' })).toBeInTheDocument();
    // The token form knows the account already.
    expect(screen.getByLabelText('Account address')).toHaveValue('https://acme.kommo.com');
  });

  it('offers Kommo sign-in and the token form when not connected', async () => {
    answersStatus(kommoNotConnected());
    renderApp(paths.integrations(TENANT_ID));

    expect(await screen.findByText('Not connected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect Kommo' })).toBeInTheDocument();
    expect(screen.getByText(/long-lived token instead/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Webhook URL')).toBeNull();
  });

  it('offers only the token form, saying why, when the server has no Kommo OAuth', async () => {
    answersStatus(kommoNotConnected(false));
    renderApp(paths.integrations(TENANT_ID));

    expect(await screen.findByText(/Signing in through Kommo is not set up/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect Kommo' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Connect with token' })).toBeVisible();
  });

  it('falls back to the token form when the consent URL is refused as not configured', async () => {
    answersStatus(kommoNotConnected());
    server.use(
      http.get(kommo(TENANT_ID, '/authorize'), () =>
        problemResponse(
          problem(409, 'kommo-oauth-not-configured', 'Kommo OAuth is not configured'),
        ),
      ),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    await user.click(await screen.findByRole('button', { name: 'Connect Kommo' }));
    expect(await screen.findByText(/Signing in through Kommo is not set up/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Connect Kommo' })).toBeNull();
    expect(screen.queryByRole('status')).toBeNull(); // shown in place, not as a toast
  });

  it('shows members the connection but neither its webhook URL nor its actions', async () => {
    answersStatus(kommoStatus(), OTHER_TENANT_ID);
    renderApp(paths.integrations(OTHER_TENANT_ID));

    expect(await screen.findByText('Connected')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'acme' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Webhook URL')).toBeNull();
    expect(document.body).not.toHaveTextContent(KOMMO_WEBHOOK_URL);
    expect(screen.queryByRole('button', { name: 'Disconnect' })).toBeNull();
  });
});

describe('IntegrationsPage: back from Kommo’s consent', () => {
  it('says why the consent failed and takes the reason out of the address', async () => {
    answersStatus(kommoNotConnected());
    const { router, user } = renderApp(
      `${paths.integrations(TENANT_ID)}?kommo=error&reason=state_expired`,
    );

    const notice = await screen.findByRole('alert');
    expect(notice).toHaveTextContent('Kommo was not connected');
    expect(notice).toHaveTextContent('took longer than 10 minutes');
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(router.state.location.pathname).toBe(paths.integrations(TENANT_ID));

    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('has a sentence for a reason it does not know', async () => {
    answersStatus(kommoNotConnected());
    renderApp(`${paths.integrations(TENANT_ID)}?kommo=error&reason=constructor`);
    expect(await screen.findByRole('alert')).toHaveTextContent('Kommo could not be connected');
  });

  it('says it is connected, and shows the fresh status', async () => {
    answersStatus(kommoStatus());
    const { router } = renderApp(`${paths.integrations(TENANT_ID)}?kommo=connected`);

    expect(await screen.findByText('Connected')).toBeInTheDocument();
    expect(await screen.findByText(/Agents can answer your leads/)).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('brings a callback that names no workspace to the last one’s integrations page', async () => {
    answersStatus(kommoNotConnected());
    const { router } = renderApp('/manage?kommo=error&reason=state_invalid');

    expect(await screen.findByRole('alert')).toHaveTextContent('did not match a connection');
    await waitFor(() => expect(router.state.location.pathname).toBe(paths.integrations(TENANT_ID)));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });
});

describe('IntegrationsPage: long-lived token', () => {
  it('puts a refused account address or token on its field, and connects once both are right', async () => {
    const sent: unknown[] = [];
    answersStatus(kommoNotConnected(false));
    server.use(
      http.post<never, LongLivedTokenConnectWritable>(
        kommo(TENANT_ID, '/token'),
        async ({ request }) => {
          const body = await request.json();
          sent.push(body);
          if (!body.account_url.endsWith('.kommo.com')) {
            const message = 'Not a Kommo account address (https://<subdomain>.kommo.com)';
            return problemResponse(
              problem(422, 'validation-failed', 'Validation failed', {
                detail: message,
                errors: [fieldError('body.account_url', message, 'host_not_allowed')],
              }),
            );
          }
          if (body.token !== 'a-good-long-lived-token-0123456789') {
            const message =
              'Kommo refused this token for the account (wrong account, expired or revoked)';
            return problemResponse(
              problem(422, 'validation-failed', 'Validation failed', {
                detail: message,
                errors: [fieldError('body.token', message, 'token_rejected')],
              }),
            );
          }
          answersStatus(kommoStatus({ auth_kind: 'long_lived', access_expires_at: null }));
          return json(kommoStatus({ auth_kind: 'long_lived', access_expires_at: null }));
        },
      ),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    const address = await screen.findByLabelText('Account address');
    const token = screen.getByLabelText('Long-lived token');
    await user.type(address, 'https://evil.example.com');
    await user.type(token, 'a-wrong-long-lived-token-000000000');
    await user.click(screen.getByRole('button', { name: 'Connect with token' }));

    expect(await screen.findByText(/Not a Kommo account address/)).toBeInTheDocument();
    expect(address).toHaveAttribute('aria-invalid', 'true');
    expect(address).toHaveAccessibleDescription(/Not a Kommo account address/);
    expect(token).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByRole('status')).toBeNull(); // on the field, not in a toast

    await user.clear(address);
    await user.type(address, 'https://acme.kommo.com');
    await user.click(screen.getByRole('button', { name: 'Connect with token' }));
    expect(await screen.findByText(/Kommo refused this token/)).toBeInTheDocument();
    expect(token).toHaveAttribute('aria-invalid', 'true');
    expect(address).not.toHaveAttribute('aria-invalid');

    await user.clear(token);
    await user.type(token, 'a-good-long-lived-token-0123456789');
    await user.click(screen.getByRole('button', { name: 'Connect with token' }));
    expect(await screen.findByText('Connected')).toBeInTheDocument();
    expect(screen.getByText('Long-lived token')).toBeInTheDocument();
    expect(await screen.findByText('Account acme.')).toBeInTheDocument();
    expect(sent).toHaveLength(3);
    expect(sent[2]).toEqual({
      account_url: 'https://acme.kommo.com',
      token: 'a-good-long-lived-token-0123456789',
    });
  });
});
