import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { describe, expect, it } from 'vitest';

import type { AgentRead, AgentUpdate } from '../../client';
import {
  AGENT_ID,
  agent,
  lookupReply,
  offlineReply,
  REFUND_DOCUMENT_ID,
  revisionPage,
  revisions,
  revisionTwo,
} from '../../test/agentFixtures';
import { localModels, provider } from '../../test/aiFixtures';
import { fieldError, member, problem, TENANT_ID } from '../../test/fixtures';
import { pipelinePage } from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;
const AGENT = api(`${BASE}/agents/${AGENT_ID}`);

function serveAgent(current: () => AgentRead) {
  server.use(
    http.get(AGENT, () => json(current())),
    http.get(api(`${BASE}/ai/providers`), () => json([provider])),
    http.get(api(`${BASE}/ai/models`), () => json(localModels)),
    http.get(api(`${BASE}/integrations/kommo/pipelines`), () => json(pipelinePage([]))),
  );
}

describe('AgentPage', () => {
  it('PATCHes only the changed fields and shows a 422 field error next to its field', async () => {
    let current = agent;
    const sent: AgentUpdate[] = [];
    serveAgent(() => current);
    server.use(
      http.patch<PathParams, AgentUpdate>(AGENT, async ({ request }) => {
        const body = await request.json();
        sent.push(body);
        if (body.language === 'not a tag') {
          return problemResponse(
            problem(422, 'validation-failed', 'The request is not valid', {
              detail: '1 invalid field(s)',
              errors: [
                fieldError(
                  'body.language',
                  "Value error, expected a BCP 47 language tag such as 'en', 'es' or 'pt-BR'",
                ),
              ],
            }),
          );
        }
        // The fields this test edits, stored as the API would.
        current = {
          ...current,
          name: body.name ?? current.name,
          language: body.language ?? current.language,
          tools: body.tools ?? current.tools,
          temperature: body.temperature ?? current.temperature,
          version: current.version + 1,
        };
        return json(current);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    const name = await screen.findByLabelText('Name');
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();
    await user.clear(name);
    await user.type(name, 'Sales bot');
    const language = screen.getByLabelText('Language');
    await user.clear(language);
    await user.type(language, 'not a tag');
    await user.click(screen.getByRole('checkbox', { name: /Hand off to a human/ }));
    fireEvent.change(screen.getByLabelText(/Temperature/), { target: { value: '0.7' } });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      name: 'Sales bot',
      language: 'not a tag',
      tools: ['knowledge_search'],
      temperature: 0.7,
    });
    expect(await screen.findByText(/expected a BCP 47 language tag/)).toBeInTheDocument();
    expect(language).toHaveAttribute('aria-invalid', 'true');
    expect(language).toHaveAccessibleDescription(/^Value error, expected a BCP 47/);
    // A field error is shown in place, not as a toast.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await user.clear(language);
    await user.type(language, 'es');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({
      name: 'Sales bot',
      language: 'es',
      tools: ['knowledge_search'],
      temperature: 0.7,
    });
    expect(await screen.findByText('Agent saved')).toBeInTheDocument();
    expect(screen.getByText(/^Version 4 ·/)).toBeInTheDocument();
    expect(screen.getByLabelText('Language')).not.toHaveAttribute('aria-invalid');
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  });

  it('shows what a version changed and restores it after confirmation', async () => {
    let current = agent;
    const restored: string[] = [];
    serveAgent(() => current);
    server.use(
      http.get(api(`${BASE}/members`), () =>
        json({ items: [member], total: 1, limit: 200, offset: 0 }),
      ),
      http.get(`${AGENT}/revisions`, () => json(revisionPage(revisions))),
      http.get(`${AGENT}/revisions/2`, () => json(revisionTwo)),
      http.post(`${AGENT}/revisions/:version/restore`, ({ params }) => {
        restored.push(String(params.version));
        current = { ...agent, instructions: 'Be brief.', temperature: 0.7, version: 4 };
        return json(current);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    await user.click(await screen.findByRole('tab', { name: 'Versions' }));
    const list = await screen.findByRole('list', { name: 'Versions' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(/Version 3\s*Current/);
    expect(items[0]).toHaveTextContent('by you');
    expect(items[0]).toHaveTextContent('Changed: Temperature');
    expect(items[1]).toHaveTextContent('by a former member');
    expect(items[2]).toHaveTextContent('Created');
    expect(items[2]).toHaveTextContent('Changed: All settings');
    expect(within(items[0]!).queryByRole('button', { name: /Restore/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'View version 2' }));
    const dialog = await screen.findByRole('dialog', { name: 'Version 2' });
    expect(await within(dialog).findByText(/2 settings differ/)).toHaveTextContent(
      'Instructions, Temperature',
    );
    const instructions = within(dialog).getByRole('row', { name: /^Instructions/ });
    expect(instructions).toHaveTextContent('Be brief.');
    expect(instructions).toHaveTextContent('You are the sales assistant of Acme.');
    expect(within(dialog).queryByRole('row', { name: /^Name/ })).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Restore this version' }));
    const confirm = await screen.findByRole('dialog', { name: 'Restore version 2?' });
    expect(restored).toEqual([]);
    await user.click(within(confirm).getByRole('button', { name: 'Restore' }));

    await waitFor(() => expect(restored).toEqual(['2']));
    expect(await screen.findByText('Version 2 restored')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByText(/^Version 4 ·/)).toBeInTheDocument();
  });

  it('tries the agent: an offline reply is badged and the passages it used are highlighted', async () => {
    let sent: unknown;
    serveAgent(() => agent);
    server.use(
      http.post(`${AGENT}/preview`, async ({ request }) => {
        sent = await request.json();
        return json(offlineReply);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}?tab=try`);

    await user.click(await screen.findByRole('button', { name: 'Add passage' }));
    await user.click(screen.getByRole('button', { name: 'Add passage' }));
    await user.click(screen.getByRole('button', { name: 'Add passage' }));
    await user.type(screen.getByLabelText('Passage 1 title'), 'Hours');
    await user.type(screen.getByLabelText('Passage 1 text'), 'We open at 9.');
    // Passage 2 stays empty: it is not sent, and indexes still point at the right passage.
    await user.type(screen.getByLabelText('Passage 3 title'), 'Prices');
    await user.type(screen.getByLabelText('Passage 3 text'), 'Premium costs 49 EUR a month.');
    await user.type(screen.getByLabelText('Message'), 'How much is premium?{Enter}');

    const conversation = screen.getByRole('list', { name: 'Conversation' });
    expect(await within(conversation).findByText('Offline responder')).toBeInTheDocument();
    expect(sent).toEqual({
      messages: [{ role: 'user', content: 'How much is premium?' }],
      passages: [
        { title: 'Hours', text: 'We open at 9.' },
        { title: 'Prices', text: 'Premium costs 49 EUR a month.' },
      ],
      use_knowledge: true,
    });
    expect(within(conversation).getByText(/The premium plan costs 49 EUR/)).toBeInTheDocument();
    expect(within(conversation).getByText('offline/extractive-v1')).toBeInTheDocument();
    expect(within(conversation).getByText('41 in / 12 out tokens')).toBeInTheDocument();
    expect(within(conversation).getByText('3 ms')).toBeInTheDocument();
    expect(within(conversation).getByText('Prices', { selector: 'mark' })).toBeInTheDocument();

    const used = screen.getByRole('group', { name: /^Passage 3/ });
    expect(used).toHaveAttribute('data-used', 'true');
    expect(used).toHaveTextContent('Used in the last reply');
    expect(screen.getByRole('group', { name: /^Passage 1/ })).not.toHaveAttribute('data-used');
  });

  it('looks the knowledge up without typed passages and lists what each reply used', async () => {
    const sent: unknown[] = [];
    serveAgent(() => agent);
    server.use(
      http.post(`${AGENT}/preview`, async ({ request }) => {
        sent.push(await request.json());
        return json(sent.length === 1 ? lookupReply : { ...lookupReply, context: null });
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}?tab=try`);

    const lookup = await screen.findByRole('switch', { name: "Look up the agent's knowledge" });
    expect(lookup).toBeChecked();
    await user.type(screen.getByLabelText('Message'), 'How much is the business plan?{Enter}');

    const conversation = screen.getByRole('list', { name: 'Conversation' });
    const toggle = await within(conversation).findByRole('button', { name: /^Knowledge used/ });
    expect(sent[0]).toEqual({
      messages: [{ role: 'user', content: 'How much is the business plan?' }],
      passages: [],
      use_knowledge: true,
    });
    expect(within(conversation).getByText('Offline responder')).toBeInTheDocument();
    expect(toggle).toHaveTextContent('1 of 2 passages used · 1 fact, used');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(within(conversation).queryByText(/No passage matched/)).not.toBeInTheDocument();

    await user.click(toggle);
    const passages = within(conversation).getByRole('list', { name: 'Passages found' });
    const [first, second] = within(passages).getAllByRole('listitem');
    expect(within(first!).getByText('0.812')).toBeInTheDocument();
    expect(within(first!).getByText('Used')).toBeInTheDocument();
    expect(within(second!).getByText('0.401')).toBeInTheDocument();
    expect(within(second!).getByText('Not used')).toBeInTheDocument();
    expect(within(second!).getByRole('link', { name: 'Refund policy' })).toHaveAttribute(
      'href',
      `/manage/${TENANT_ID}/knowledge-base?document=${REFUND_DOCUMENT_ID}`,
    );
    const facts = within(conversation).getByRole('list', { name: 'Facts found' });
    expect(facts).toHaveTextContent('Acme Corp — supplies → Bracket X · from Price list 2026');

    // Turning the lookup off is sent with the next message.
    await user.click(lookup);
    await user.type(screen.getByLabelText('Message'), 'Thanks{Enter}');
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toMatchObject({ use_knowledge: false });
    expect(screen.getAllByRole('button', { name: /^Knowledge used/ })).toHaveLength(1);
  });
});
