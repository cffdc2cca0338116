import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import type { SlackConfigure, SlackStatus, SyncRunRead } from '../../client';
import { paths } from '../../paths';
import { fieldError, problem, TENANT_ID } from '../../test/fixtures';
import {
  eventPage,
  kommoNotConnected,
  kommoStatus,
  pipelinePage,
  salesPipeline,
  slackNotConfigured,
  syncPage,
  syncRun,
} from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}/integrations`;

const section = (name: string) => screen.getByRole('heading', { name }).closest('section')!;

describe('IntegrationsPage: Kommo data', () => {
  it('shows the last sync of each kind with its error, syncs now and shows the progress', async () => {
    let runs: SyncRunRead[] = [
      syncRun(),
      syncRun({
        id: 'a1',
        kind: 'users',
        status: 'failed',
        attempts: 3,
        created_count: 0,
        last_error: 'Kommo refused the request (403): the account blocked this IP',
      }),
    ];
    let asked = 0;
    server.use(
      http.get(api(`${BASE}/kommo/status`), () => json(kommoStatus())),
      http.get(api(`${BASE}/kommo/syncs`), () => json(syncPage(runs))),
      http.get(api(`${BASE}/kommo/pipelines`), () => json(pipelinePage([salesPipeline]))),
      http.get(api(`${BASE}/kommo/events`), () => json(eventPage([]))),
      http.get(api(`${BASE}/slack`), () => json(slackNotConfigured)),
      http.post(api(`${BASE}/kommo/sync`), () => {
        asked += 1;
        const queued = syncRun({
          id: 'b1',
          status: 'running',
          finished_at: null,
          progress_done: 1,
          progress_total: 4,
        });
        runs = [queued, ...runs];
        return json({ runs: [queued] }, 202);
      }),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    expect(await screen.findByText('Pipelines and stages')).toBeInTheDocument();
    const data = section('Kommo data');
    expect(within(data).getByText('Failed')).toBeInTheDocument();
    expect(within(data).getByText(/the account blocked this IP/)).toBeInTheDocument();
    expect(within(data).getAllByText('Never synced')).toHaveLength(2);
    expect(within(data).getByText(/2 added, 0 changed, 0 removed/)).toBeInTheDocument();

    // The pipeline's stages as chips in Kommo's colours.
    const stages = await within(data).findByRole('list', { name: 'Stages of Sales' });
    const chips = within(stages).getAllByRole('listitem');
    expect(chips.map((chip) => chip.textContent)).toEqual([
      'Incoming leads',
      'First contact',
      'Won',
    ]);
    expect(chips[1]).toHaveStyle({ backgroundColor: '#99ccff' });

    await user.click(within(data).getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(asked).toBe(1));
    expect(
      await within(data).findByRole('progressbar', { name: 'Pipelines and stages: running' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(within(data).getByRole('button', { name: 'Syncing…' })).toBeDisabled();
  });

  it('is not shown before Kommo is connected', async () => {
    server.use(
      http.get(api(`${BASE}/kommo/status`), () => json(kommoNotConnected())),
      http.get(api(`${BASE}/slack`), () => json(slackNotConfigured)),
    );
    renderApp(paths.integrations(TENANT_ID));
    expect(await screen.findByRole('button', { name: 'Connect Kommo' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Kommo data' })).toBeNull();
  });
});

describe('IntegrationsPage: Slack', () => {
  it('sets an incoming webhook, shows a refused one on its field, tests it and removes it', async () => {
    let stored: SlackStatus = slackNotConfigured;
    const sent: SlackConfigure[] = [];
    server.use(
      http.get(api(`${BASE}/kommo/status`), () => json(kommoNotConnected())),
      http.get(api(`${BASE}/slack`), () => json(stored)),
      http.put<never, SlackConfigure>(api(`${BASE}/slack`), async ({ request }) => {
        const body = await request.json();
        sent.push(body);
        if (!body.webhook_url?.startsWith('https://hooks.slack.com/')) {
          const message = 'Not a Slack incoming webhook URL';
          return problemResponse(
            problem(422, 'validation-failed', 'Validation failed', {
              detail: message,
              errors: [fieldError('body.webhook_url', message)],
            }),
          );
        }
        stored = {
          configured: true,
          kind: 'webhook',
          secret_last_four: 'Zx9Q',
          notify_handoffs: body.notify_handoffs ?? true,
          notify_sync_failures: body.notify_sync_failures ?? true,
          updated_at: '2026-03-01T12:00:00Z',
        };
        return json(stored);
      }),
      http.post(api(`${BASE}/slack/test`), () =>
        json({ ok: true, slack_status: 200, error: null, detail: 'Slack accepted the message' }),
      ),
      http.delete(api(`${BASE}/slack`), () => {
        stored = slackNotConfigured;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    const url = await screen.findByLabelText('Incoming webhook URL');
    await user.type(url, 'https://example.com/not-slack');
    await user.click(screen.getByRole('button', { name: 'Connect Slack' }));
    expect(await screen.findByText('Not a Slack incoming webhook URL')).toBeInTheDocument();
    expect(url).toHaveAttribute('aria-invalid', 'true');

    await user.clear(url);
    await user.type(url, 'https://hooks.slack.com/services/T0/B0/Zx9Q');
    await user.click(screen.getByRole('checkbox', { name: 'Kommo syncs that failed' }));
    await user.click(screen.getByRole('button', { name: 'Connect Slack' }));
    expect(await screen.findByText('Incoming webhook …Zx9Q')).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({
      kind: 'webhook',
      webhook_url: 'https://hooks.slack.com/services/T0/B0/Zx9Q',
      notify_handoffs: true,
      notify_sync_failures: false,
    });
    expect(screen.getByText('Posts hand-offs.')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('hooks.slack.com/services/T0');

    await user.click(screen.getByRole('button', { name: 'Send test message' }));
    expect(await screen.findByText('Slack accepted the message')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Remove Slack' }));
    const confirm = screen.getByRole('dialog', { name: 'Remove Slack?' });
    await user.click(within(confirm).getByRole('button', { name: 'Remove Slack' }));
    expect(await screen.findByText('Not set up')).toBeInTheDocument();
  });
});
