import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { KommoStatus } from '../../client';
import { paths } from '../../paths';
import { problem, TENANT_ID } from '../../test/fixtures';
import {
  eventPage,
  kommoNotConnected,
  kommoStatus,
  pipelinePage,
  slackNotConfigured,
  syncPage,
  webhookEvent,
} from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}/integrations`;

/** The page's other requests, with the Kommo status given. */
function answersPage(status: KommoStatus) {
  server.use(
    http.get(api(`${BASE}/kommo/status`), () => json(status)),
    http.get(api(`${BASE}/kommo/syncs`), () => json(syncPage([]))),
    http.get(api(`${BASE}/kommo/pipelines`), () => json(pipelinePage([]))),
    http.get(api(`${BASE}/slack`), () => json(slackNotConfigured)),
  );
}

const eventsCard = () =>
  screen.getByRole('heading', { name: 'Webhook events' }).closest('section')!;

describe('IntegrationsPage: Kommo webhook events', () => {
  it('lists the events with their badges, the 24 h counts, and filters by status and kind', async () => {
    answersPage(kommoStatus({ deliveries_24h: { received: 12, failed: 2 } }));
    const asked: URLSearchParams[] = [];
    server.use(
      http.get(api(`${BASE}/kommo/events`), ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push(query);
        if (query.get('status') === 'failed') {
          return json(
            eventPage([
              webhookEvent({
                id: 'f1',
                kind: 'lead.status',
                entity_type: 'lead',
                entity_id: '4711',
                status: 'failed',
                attempts: 3,
                detail: null,
                last_error: 'Kommo refused the request (403)',
                processed_at: null,
              }),
            ]),
          );
        }
        return json(
          eventPage(
            [
              webhookEvent({ deliveries: 2 }),
              webhookEvent({
                id: 'i1',
                kind: 'contact.update',
                entity_type: 'contact',
                entity_id: '88',
                status: 'ignored',
                detail: 'Nothing here handles this kind of event',
              }),
              webhookEvent({
                id: 'r1',
                kind: '',
                entity_type: '',
                entity_id: '',
                status: 'rejected',
                detail: null,
                last_error: 'The body is not a Kommo webhook',
                processed_at: null,
              }),
            ],
            45,
          ),
        );
      }),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    const table = await screen.findByRole('table');
    const card = eventsCard();
    expect(within(card).getByText('Received in 24 h').nextSibling).toHaveTextContent('12');
    expect(within(card).getByText('Failed in 24 h').nextSibling).toHaveTextContent('2');

    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('Incoming message')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('talk 191')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('Processed')).toHaveClass('bg-success-soft');
    expect(within(rows[0]!).getByText('×2')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('The agent answers')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Ignored')).toHaveClass('bg-surface-sunken');
    expect(within(rows[1]!).queryByText(/×/)).toBeNull();
    expect(within(rows[2]!).getByText('Unreadable')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Rejected')).toHaveClass('bg-danger-soft');
    expect(within(rows[2]!).getByText('The body is not a Kommo webhook')).toBeInTheDocument();
    // The phone's stacked list holds the same events.
    expect(
      within(within(card).getByRole('list', { name: 'Webhook events' })).getAllByRole('listitem'),
    ).toHaveLength(3);
    expect(within(card).getByText('1–20 of 45 events')).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(asked.at(-1)?.get('offset')).toBe('20'));

    await user.selectOptions(within(card).getByRole('combobox', { name: 'Status' }), 'failed');
    await waitFor(() => expect(asked.at(-1)?.get('status')).toBe('failed'));
    expect(asked.at(-1)?.get('offset')).toBe('0');
    expect(
      await within(screen.getByRole('table')).findByText('Kommo refused the request (403)'),
    ).toBeInTheDocument();
    const failed = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(failed).toHaveLength(1);
    expect(within(failed[0]!).getByText('Failed')).toHaveClass('bg-danger-soft');
    expect(within(failed[0]!).getByText('3 attempts')).toBeInTheDocument();

    await user.selectOptions(within(card).getByRole('combobox', { name: 'Kind' }), 'lead.status');
    await waitFor(() => expect(asked.at(-1)?.get('kind')).toBe('lead.status'));
    expect(asked.at(-1)?.get('status')).toBe('failed');
  });

  it('says when nothing came yet, and when no event matches the filters', async () => {
    answersPage(kommoStatus({ state: 'reconnect_required' }));
    server.use(http.get(api(`${BASE}/kommo/events`), () => json(eventPage([]))));
    const { user } = renderApp(paths.integrations(TENANT_ID));

    expect(await screen.findByText('No webhook events yet')).toBeInTheDocument();
    const card = eventsCard();
    expect(within(card).getByText('Received in 24 h').nextSibling).toHaveTextContent('0');

    await user.selectOptions(within(card).getByRole('combobox', { name: 'Status' }), 'failed');
    expect(await within(card).findByText('No events match')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Clear filters' }));
    expect(await within(card).findByText('No webhook events yet')).toBeInTheDocument();
    expect(within(card).getByRole('combobox', { name: 'Status' })).toHaveValue('');
  });

  it('shows a failed load with a way to try again', async () => {
    answersPage(kommoStatus());
    let fail = true;
    server.use(
      http.get(api(`${BASE}/kommo/events`), () =>
        fail
          ? problemResponse(problem(403, 'forbidden', 'Not allowed'))
          : json(eventPage([webhookEvent()])),
      ),
    );
    const { user } = renderApp(paths.integrations(TENANT_ID));

    await screen.findByRole('heading', { name: 'Webhook events' });
    const alert = await within(eventsCard()).findByRole('alert');
    expect(alert).toHaveTextContent('Not allowed');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await within(eventsCard()).findByRole('table')).toBeInTheDocument();
  });

  it('is not shown before Kommo is connected', async () => {
    answersPage(kommoNotConnected());
    renderApp(paths.integrations(TENANT_ID));
    expect(await screen.findByRole('button', { name: 'Connect Kommo' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Webhook events' })).toBeNull();
  });
});
