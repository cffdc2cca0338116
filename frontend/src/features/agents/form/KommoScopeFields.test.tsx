import { screen, waitFor, within } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { describe, expect, it } from 'vitest';

import type { AgentRead, AgentUpdate, KommoScope, PipelineRead } from '../../../client';
import { AGENT_ID, agent } from '../../../test/agentFixtures';
import { localModels, provider } from '../../../test/aiFixtures';
import { problem, TENANT_ID } from '../../../test/fixtures';
import { pipelinePage, salesPipeline } from '../../../test/kommoFixtures';
import { renderApp } from '../../../test/renderApp';
import { api, json, problemResponse, server } from '../../../test/server';
import { withPipeline, withStage } from './agentValues';

const BASE = `/api/v1/tenants/${TENANT_ID}`;
const AGENT = api(`${BASE}/agents/${AGENT_ID}`);
const PIPELINES = api(`${BASE}/integrations/kommo/pipelines`);

const supportPipeline: PipelineRead = {
  kommo_id: 7002,
  name: 'Support',
  sort: 2,
  is_main: false,
  is_archive: false,
  is_unsorted_on: false,
  statuses: [
    { kommo_id: 30, name: 'Open ticket', sort: 10, color: '#ffcc66', type: 0, is_editable: true },
    { kommo_id: 142, name: 'Solved', sort: 10000, color: '#ccff66', type: 0, is_editable: false },
  ],
};

/** The agent page with `kommo` as the agent's scope; the PATCH bodies land in the list returned. */
function serve(kommo: KommoScope, pipelines: () => Response) {
  const sent: AgentUpdate[] = [];
  let current: AgentRead = { ...agent, kommo };
  server.use(
    http.get(AGENT, () => json(current)),
    http.get(api(`${BASE}/ai/providers`), () => json([provider])),
    http.get(api(`${BASE}/ai/models`), () => json(localModels)),
    http.get(PIPELINES, pipelines),
    http.patch<PathParams, AgentUpdate>(AGENT, async ({ request }) => {
      const body = await request.json();
      sent.push(body);
      current = { ...current, kommo: body.kommo ?? current.kommo, version: current.version + 1 };
      return json(current);
    }),
  );
  return sent;
}

const synced = () => json(pipelinePage([salesPipeline, supportPipeline]));

describe('KommoScopeFields', () => {
  it('lists the synced pipelines, the stages of the chosen ones, and says empty channels are all', async () => {
    serve({ pipeline_ids: [7001], status_ids: [2], channels: [] }, synced);
    renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    const sales = await screen.findByRole('checkbox', { name: /Sales/ });
    expect(sales).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /Support/ })).not.toBeChecked();
    const stages = screen.getByRole('group', { name: 'Stages of Sales' });
    expect(within(stages).getByRole('button', { name: /First contact/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(within(stages).getByRole('button', { name: /Won/ })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    // A pipeline not chosen shows no stages; the typed-id inputs are not offered.
    expect(screen.queryByRole('group', { name: 'Stages of Support' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Pipelines')).not.toBeInTheDocument();
    expect(
      screen.getByText('Chat channels the agent answers in. Empty: every channel.'),
    ).toBeInTheDocument();
  });

  it('saves the stage picked as status_ids of the pipeline ticked', async () => {
    const sent = serve({ pipeline_ids: [], status_ids: [], channels: ['whatsapp'] }, synced);
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    await user.click(await screen.findByRole('checkbox', { name: /Support/ }));
    const stages = screen.getByRole('group', { name: 'Stages of Support' });
    await user.click(within(stages).getByRole('button', { name: /Open ticket/ }));
    expect(within(stages).getByRole('button', { name: /Open ticket/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      kommo: { pipeline_ids: [7002], status_ids: [30], channels: ['whatsapp'] },
    });
  });

  it('drops the stages of a pipeline unticked, keeping those of the others', async () => {
    const sent = serve(
      { pipeline_ids: [7001, 7002], status_ids: [2, 142, 30], channels: [] },
      synced,
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    await user.click(await screen.findByRole('checkbox', { name: /Sales/ }));
    expect(screen.queryByRole('group', { name: 'Stages of Sales' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(sent).toHaveLength(1));
    // 142 (won) is a stage of Support too, so it stays; 2 was only Sales'.
    expect(sent[0]).toEqual({
      kommo: { pipeline_ids: [7002], status_ids: [142, 30], channels: [] },
    });
  });

  it('falls back to typed ids with a link to Integrations when Kommo is not connected', async () => {
    const sent = serve({ pipeline_ids: [7214562], status_ids: [], channels: [] }, () =>
      problemResponse(problem(404, 'not-found', 'Kommo is not connected')),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    expect(await screen.findByText(/Kommo is not connected/)).toBeInTheDocument();
    expect(
      within(screen.getByRole('note')).getByRole('link', { name: 'Integrations' }),
    ).toHaveAttribute('href', `/manage/${TENANT_ID}/integrations`);
    expect(screen.queryByRole('checkbox', { name: /Sales/ })).not.toBeInTheDocument();
    expect(screen.getByText('7214562')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Stages'), '142{Enter}');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      kommo: { pipeline_ids: [7214562], status_ids: [142], channels: [] },
    });
  });

  it('falls back to typed ids while nothing is synced yet', async () => {
    serve({ pipeline_ids: [], status_ids: [], channels: [] }, () => json(pipelinePage([])));
    renderApp(`/manage/${TENANT_ID}/ai-agents/${AGENT_ID}`);

    expect(await screen.findByText(/Nothing is synced from Kommo yet/)).toBeInTheDocument();
    expect(screen.getByLabelText('Pipelines')).toBeInTheDocument();
    expect(
      within(screen.getByRole('note')).getByRole('link', { name: 'Integrations' }),
    ).toBeInTheDocument();
  });
});

describe('withPipeline and withStage', () => {
  const pipelines = [salesPipeline, supportPipeline];
  const scope = { pipeline_ids: [7001, 7002], status_ids: [1, 142, 30], channels: ['telegram'] };

  it('unticking keeps the closing stage another chosen pipeline shares', () => {
    expect(withPipeline(scope, pipelines, 7002, false)).toEqual({
      pipeline_ids: [7001],
      status_ids: [1, 142],
      channels: ['telegram'],
    });
    const alone = { ...scope, pipeline_ids: [7002] };
    expect(withPipeline(alone, pipelines, 7002, false).status_ids).toEqual([1]);
  });

  it('ticking adds a pipeline once, and a stage switches on and off', () => {
    expect(withPipeline(scope, pipelines, 7001, true)).toBe(scope);
    expect(
      withPipeline({ ...scope, pipeline_ids: [] }, pipelines, 7001, true).pipeline_ids,
    ).toEqual([7001]);
    expect(withStage(scope, 2, true).status_ids).toEqual([1, 142, 30, 2]);
    expect(withStage(scope, 142, false).status_ids).toEqual([1, 30]);
  });
});
