import { screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import type { AgentExport } from '../../client';

import { agent, agentPage, summaryOf } from '../../test/agentFixtures';
import { localModels } from '../../test/aiFixtures';
import { TENANT_ID } from '../../test/fixtures';
import { pipelinePage } from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const AGENTS = api(`/api/v1/tenants/${TENANT_ID}/agents`);

describe('AgentsPage', () => {
  it('sends the search as q and the status filter as status', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(AGENTS, ({ request }) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        const matches = query.get('q') !== 'nothing';
        return json(agentPage(matches ? [summaryOf(agent)] : []));
      }),
    );
    const { user, router } = renderApp(`/manage/${TENANT_ID}/ai-agents`);

    expect(await screen.findByRole('link', { name: 'Sales assistant' })).toBeInTheDocument();
    expect(screen.getByText('Active', { selector: 'td span' })).toBeInTheDocument();
    expect(queries[0]?.get('q')).toBeNull();
    expect(queries[0]?.get('status')).toBeNull();
    expect(queries[0]?.get('limit')).toBe('25');

    await user.selectOptions(screen.getByLabelText('Status'), 'active');
    await waitFor(() => expect(queries.at(-1)?.get('status')).toBe('active'));

    await user.type(screen.getByLabelText('Search agents'), 'sales');
    await waitFor(() => expect(queries.at(-1)?.get('q')).toBe('sales'));
    expect(queries.at(-1)?.get('status')).toBe('active');
    // Typing is debounced: not one request per letter (how many depends on the machine's pace,
    // so the check is only that letters were merged), and the last one has the whole word.
    const searched = queries.filter((q) => q.get('q') !== null).map((q) => q.get('q'));
    expect(searched.length).toBeLessThan('sales'.length);
    expect(searched.at(-1)).toBe('sales');
    expect(router.state.location.search).toBe('?status=active&q=sales');

    await user.clear(screen.getByLabelText('Search agents'));
    await user.type(screen.getByLabelText('Search agents'), 'nothing');
    expect(await screen.findByText('No agents match')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByRole('link', { name: 'Sales assistant' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('');
    expect(screen.getByLabelText('Search agents')).toHaveValue('');
    expect(screen.getByLabelText('Status')).toHaveValue('');
  });

  it('invites to create the first agent when there are none', async () => {
    server.use(
      http.get(AGENTS, () => json(agentPage([]))),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/ai/providers`), () => json([])),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/ai/models`), () => json(localModels)),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/integrations/kommo/pipelines`), () =>
        json(pipelinePage([])),
      ),
    );
    const { user, router } = renderApp(`/manage/${TENANT_ID}/ai-agents`);

    expect(await screen.findByText('No agents yet')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'New agent' })[0]!);
    expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/ai-agents/new`);
    expect(await screen.findByRole('heading', { name: 'New agent' })).toBeInTheDocument();
    expect(await screen.findByText(/No provider lists models yet/)).toBeInTheDocument();
  });

  it('imports an exported agent from a JSON file and opens it', async () => {
    let sent: unknown;
    const exported: AgentExport = {
      format: 'agentplatform.agent',
      format_version: 1,
      agent: { name: 'Imported assistant', language: 'es', tools: ['handoff'] },
      provider_name: null,
    };
    server.use(
      http.get(AGENTS, () => json(agentPage([]))),
      http.post(`${AGENTS}/import`, async ({ request }) => {
        sent = await request.json();
        return json({ ...agent, name: 'Imported assistant', status: 'draft', version: 1 }, 201);
      }),
      http.get(`${AGENTS}/${agent.id}`, () => json({ ...agent, name: 'Imported assistant' })),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/ai/providers`), () => json([])),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/ai/models`), () => json(localModels)),
      http.get(api(`/api/v1/tenants/${TENANT_ID}/integrations/kommo/pipelines`), () =>
        json(pipelinePage([])),
      ),
    );
    const { user, router } = renderApp(`/manage/${TENANT_ID}/ai-agents`);
    await screen.findByText('No agents yet');

    const file = new File([JSON.stringify(exported)], 'sales.agent.json', {
      type: 'application/json',
    });
    await user.upload(screen.getByLabelText('Agent file to import'), file);

    await waitFor(() => expect(sent).toEqual(exported));
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/manage/${TENANT_ID}/ai-agents/${agent.id}`),
    );
    expect(await screen.findByText('Agent imported')).toBeInTheDocument();
  });
});
