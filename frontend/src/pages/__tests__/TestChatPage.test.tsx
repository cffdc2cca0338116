import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { agent, agentPage, AGENT_ID, summaryOf } from '../../test/agentFixtures';
import { CONVERSATION_ID, reply, sseBody } from '../../test/chatFixtures';
import { TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;
const CHAT = api(`${BASE}/agents/${AGENT_ID}/chat`);
const start = { conversation_id: CONVERSATION_ID, user_message_id: 'u', message_id: 'm' };
const agentHandlers = [
  http.get(api(`${BASE}/agents`), () => json(agentPage([summaryOf(agent)]))),
  http.get(api(`${BASE}/agents/${AGENT_ID}`), () => json(agent)),
];

function stream(text: string, close = true): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      if (close) controller.close();
    },
  });
  return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

async function ask(user: ReturnType<typeof renderApp>['user'], text: string) {
  await user.type(await screen.findByLabelText('Message'), text);
  await user.click(screen.getByRole('button', { name: 'Send' }));
}

describe('TestChatPage', () => {
  it('streams a test answer with its sources, dry-run actions and context', async () => {
    const bodies: unknown[] = [];
    server.use(
      ...agentHandlers,
      http.post(CHAT, async ({ request }) => {
        bodies.push(await request.json());
        return stream(
          sseBody([
            ['start', start],
            ['context', reply.context],
            ['token', { text: 'The premium plan ' }],
            ['token', { text: 'costs 49 € a month [1].' }],
            ['citations', reply.message.citations],
            ['message', reply],
          ]),
        );
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/test-chat`);

    await user.click(await screen.findByText(/Write as a contact/));
    await user.type(screen.getByLabelText('External id'), 'lucia-1');
    await user.type(screen.getByLabelText('Contact name'), 'Lucía');
    await ask(user, 'How much is premium?');

    expect(
      await screen.findByText('The premium plan costs 49 € a month [1].', { exact: false }),
    ).toBeInTheDocument();
    expect(bodies[0]).toEqual({
      message: 'How much is premium?',
      mode: 'test',
      stream: true,
      contact: { external_id: 'lucia-1', system: 'api', name: 'Lucía' },
    });
    expect(screen.getByText('Offline responder')).toBeInTheDocument();
    expect(screen.getByText('Dry run')).toBeInTheDocument();
    expect(screen.getByText(/would send/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'open it in Conversations' })).toHaveAttribute(
      'href',
      `/manage/${TENANT_ID}/conversations/${CONVERSATION_ID}`,
    );
    // The inspector shows the answer's context.
    expect(screen.getByRole('list', { name: 'Knowledge passages' })).toBeInTheDocument();
    expect(screen.getByLabelText('External id')).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Source [1]: Pricing 2026' }));
    const dialog = await screen.findByRole('dialog', { name: 'Pricing 2026' });
    expect(within(dialog).getByText('The premium plan costs 49 € a month.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));

    // The next message continues the same conversation.
    await ask(user, 'And the basic one?');
    await screen.findAllByText('Offline responder');
    expect(bodies[1]).toEqual({
      message: 'And the basic one?',
      mode: 'test',
      stream: true,
      conversation_id: CONVERSATION_ID,
    });
  });

  it('shows an error sent mid-stream under the partial answer', async () => {
    server.use(
      ...agentHandlers,
      http.post(CHAT, () =>
        stream(
          sseBody([
            ['start', start],
            ['token', { text: 'The prem' }],
            [
              'error',
              {
                type: 'https://agentplatform.dev/problems/provider-unavailable',
                title: 'The AI provider is unavailable',
                status: 503,
                detail: 'timed out',
              },
            ],
          ]),
        ),
      ),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/test-chat`);

    await ask(user, 'Hi');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The AI provider is unavailable');
    expect(alert).toHaveTextContent('timed out');
    expect(screen.getByText('The prem', { exact: false })).toBeInTheDocument();
  });

  it('stops the answer: the request is aborted', async () => {
    let signal: AbortSignal | undefined;
    server.use(
      ...agentHandlers,
      http.post(CHAT, ({ request }) => {
        signal = request.signal;
        return stream(
          sseBody([
            ['start', start],
            ['token', { text: 'Let me' }],
          ]),
          false,
        );
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/test-chat`);

    await ask(user, 'Hi');
    expect(await screen.findByText('Let me', { exact: false })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Stop' }));

    expect(await screen.findByText(/Stopped: the partial answer/)).toBeInTheDocument();
    expect(signal?.aborted).toBe(true);
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  });
});
