import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import { agent, agentPage, AGENT_ID, summaryOf } from '../../test/agentFixtures';
import { conversation, conversationPage, CONVERSATION_ID } from '../../test/chatFixtures';
import { TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;
const LIST = api(`${BASE}/conversations`);
const agents = http.get(api(`${BASE}/agents`), () => json(agentPage([summaryOf(agent)])));

describe('ConversationsPage', () => {
  it('lists conversations and sends the filters as channel, status and agent_id', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      agents,
      http.get(LIST, ({ request }) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        return json(conversationPage([conversation]));
      }),
    );
    const { user, router } = renderApp(`/manage/${TENANT_ID}/conversations`);

    const link = await screen.findByRole('link', { name: 'How much is premium?' });
    expect(link).toHaveAttribute('href', `/manage/${TENANT_ID}/conversations/${CONVERSATION_ID}`);
    const row = link.closest('tr')!;
    expect(within(row).getByText('Test chat')).toBeInTheDocument();
    expect(within(row).getByText('Open')).toBeInTheDocument();
    expect(await within(row).findByText('Sales assistant')).toBeInTheDocument();
    expect(queries[0]?.get('channel')).toBeNull();

    await user.selectOptions(screen.getByLabelText('Channel'), 'kommo');
    await user.selectOptions(screen.getByLabelText('Status'), 'handed_off');
    await user.selectOptions(screen.getByLabelText('Agent'), AGENT_ID);
    await waitFor(() => expect(queries.at(-1)?.get('agent_id')).toBe(AGENT_ID));
    expect(queries.at(-1)?.get('channel')).toBe('kommo');
    expect(queries.at(-1)?.get('status')).toBe('handed_off');
    expect(router.state.location.search).toBe(`?channel=kommo&status=handed_off&agent=${AGENT_ID}`);
  });

  it('invites to the test chat when there are no conversations yet', async () => {
    server.use(
      agents,
      http.get(LIST, () => json(conversationPage([]))),
    );
    renderApp(`/manage/${TENANT_ID}/conversations`);

    expect(await screen.findByText('No conversations yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the test chat' })).toHaveAttribute(
      'href',
      `/manage/${TENANT_ID}/test-chat`,
    );
  });

  it('says when filters match nothing, and clears them', async () => {
    server.use(
      agents,
      http.get(LIST, ({ request }) => {
        const filtered = new URL(request.url).searchParams.has('status');
        return json(conversationPage(filtered ? [] : [conversation]));
      }),
    );
    const { user, router } = renderApp(`/manage/${TENANT_ID}/conversations?status=closed`);

    expect(await screen.findByText('No conversations match')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('link', { name: 'How much is premium?' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('');
  });

  it('shows a failed load with the problem and a way to try again', async () => {
    let calls = 0;
    server.use(
      agents,
      http.get(LIST, () => {
        calls += 1;
        if (calls === 1) {
          return problemResponse({
            type: 'https://agentplatform.dev/problems/forbidden',
            title: 'Forbidden',
            status: 403,
            detail: 'Your role may not read conversations',
          });
        }
        return json(conversationPage([conversation]));
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/conversations`);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not allowed');
    expect(alert).toHaveTextContent('Your role may not read conversations');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'How much is premium?' })).toBeInTheDocument();
  });
});
