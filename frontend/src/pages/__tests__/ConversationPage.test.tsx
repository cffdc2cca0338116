import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { ConversationDetail } from '../../client';
import { agent, AGENT_ID } from '../../test/agentFixtures';
import {
  answer,
  contact,
  CONTACT_ID,
  conversationDetail,
  CONVERSATION_ID,
  conversationPage,
  memory,
} from '../../test/chatFixtures';
import { TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;
const PAGE = `/manage/${TENANT_ID}/conversations/${CONVERSATION_ID}`;
const MEMORIES = api(`${BASE}/contacts/${CONTACT_ID}/memories`);

function reader(detail: ConversationDetail) {
  return [
    http.get(api(`${BASE}/conversations/${CONVERSATION_ID}`), () => json(detail)),
    http.get(api(`${BASE}/agents/${AGENT_ID}`), () => json(agent)),
    http.get(api(`${BASE}/contacts/${CONTACT_ID}`), () => json(contact)),
    http.get(MEMORIES, () => json([memory])),
  ];
}

describe('ConversationPage', () => {
  it('shows each message by role, an answer with its model, tokens and sources', async () => {
    server.use(...reader(conversationDetail));
    renderApp(PAGE);

    const messages = await screen.findByRole('list', { name: 'Messages' });
    expect(within(messages).getByText('Customer')).toBeInTheDocument();
    expect(within(messages).getByText('How much is premium?')).toBeInTheDocument();
    expect(within(messages).getByText('Agent')).toBeInTheDocument();
    expect(within(messages).getByText('Offline responder')).toBeInTheDocument();
    expect(within(messages).getByText('1,000 in / 12 out tokens')).toBeInTheDocument();
    expect(
      within(messages).getByRole('button', { name: 'Source [1]: Pricing 2026' }),
    ).toBeInTheDocument();
    expect(within(messages).getByText('Dry run')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Sales assistant' })).toBeInTheDocument();
  });

  it('sends a colleague’s reply and resumes a handed-off conversation', async () => {
    let sent: unknown;
    let resumed = false;
    const handedOff: ConversationDetail = {
      ...conversationDetail,
      status: 'handed_off',
      handoff_reason: 'Asked for a person',
      handoff_summary: 'Wants a discount',
    };
    server.use(
      ...reader(handedOff),
      http.post(api(`${BASE}/conversations/${CONVERSATION_ID}/messages`), async ({ request }) => {
        sent = await request.json();
        return json({ ...answer, role: 'human', content: 'I can help', id: 'h1' }, 201);
      }),
      http.post(api(`${BASE}/conversations/${CONVERSATION_ID}/resume`), () => {
        resumed = true;
        return json({ ...conversationDetail, messages: undefined });
      }),
    );
    const { user } = renderApp(PAGE);

    expect(await screen.findByText('Handed off to a person')).toBeInTheDocument();
    expect(screen.getByText('Asked for a person')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Your reply'), 'I can help');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(sent).toEqual({ content: 'I can help' }));
    expect(await screen.findByText('Reply sent')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Resume agent' }));
    await waitFor(() => expect(resumed).toBe(true));
    expect(await screen.findByText('The agent answers again')).toBeInTheDocument();
  });

  it('lists the contact’s memories with their origin, deletes one and forgets the contact', async () => {
    let deletedMemory = false;
    let forgotten = false;
    server.use(
      ...reader(conversationDetail),
      http.delete(`${MEMORIES}/${memory.id}`, () => {
        deletedMemory = true;
        return new Response(null, { status: 204 });
      }),
      http.delete(api(`${BASE}/contacts/${CONTACT_ID}`), () => {
        forgotten = true;
        return new Response(null, { status: 204 });
      }),
      http.get(api(`${BASE}/conversations`), () => json(conversationPage([]))),
      http.get(api(`${BASE}/agents`), () => json({ items: [], total: 0, limit: 200, offset: 0 })),
    );
    const { user, router } = renderApp(PAGE);

    const memories = await screen.findByRole('list', { name: 'Memories' });
    expect(within(memories).getByText('Madrid')).toBeInTheDocument();
    expect(
      within(memories).getByRole('link', { name: 'learnt in a conversation' }),
    ).toHaveAttribute('href', `${PAGE}#message-${memory.message_id}`);
    expect(screen.getByText('Lucía Pérez')).toBeInTheDocument();

    await user.click(within(memories).getByRole('button', { name: 'Delete' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete this memory?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(deletedMemory).toBe(true));

    await user.click(screen.getByRole('button', { name: 'Forget contact' }));
    const forget = await screen.findByRole('dialog', { name: 'Forget Lucía Pérez?' });
    expect(forget).toHaveTextContent('cannot be undone');
    await user.click(within(forget).getByRole('button', { name: 'Forget contact' }));
    await waitFor(() => expect(forgotten).toBe(true));
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/conversations`),
    );
  });
});
