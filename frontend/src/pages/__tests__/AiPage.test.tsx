import { screen, waitFor, within } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { describe, expect, it } from 'vitest';

import type { AiSettingsRead, AiSettingsUpdate, ProviderCreate, ProviderRead } from '../../client';
import { lastDays } from '../../features/ai/usage/usageData';
import {
  keylessProvider,
  localModels,
  offlineHealth,
  offlineSettings,
  provider,
  PROVIDER_ID,
  usageDay,
  usageReport,
} from '../../test/aiFixtures';
import { TENANT_ID } from '../../test/fixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const AI = `/api/v1/tenants/${TENANT_ID}/ai`;

function serveAi(providers: ProviderRead[], usage = usageReport([])) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(api(`${AI}/settings`), () => json(offlineSettings)),
    http.get(api(`${AI}/providers`), () => json(providers)),
    http.get(api(`${AI}/health`), () => json(offlineHealth)),
    http.get(api(`${AI}/models`), () => json(localModels)),
    http.get(api(`${AI}/usage`), ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return json(usage);
    }),
  );
  return queries;
}

describe('AiPage', () => {
  it('explains offline mode and shows keys only as their last four characters', async () => {
    const providers = [keylessProvider, provider];
    serveAi(providers);
    let sent: ProviderCreate | undefined;
    const secret = 'sk-live-abcdefghijklmnop9876';
    server.use(
      http.post<PathParams, ProviderCreate>(api(`${AI}/providers`), async ({ request }) => {
        sent = await request.json();
        const created: ProviderRead = {
          ...provider,
          id: '8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b',
          name: String(sent.name),
          kind: 'openrouter',
          base_url: 'https://openrouter.ai/api/v1',
          api_key_last_four: '9876',
        };
        providers.push(created);
        return json(created, 201);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/ai`);

    const banner = await screen.findByRole('region', { name: /^Offline mode/ });
    expect(banner).toHaveTextContent('offline responder');
    expect(banner).toHaveTextContent('local model');

    const table = await screen.findByRole('table');
    const openai = within(table).getByRole('row', { name: /OpenAI production/ });
    expect(openai).toHaveTextContent('•••• 1234');
    expect(within(table).getByRole('row', { name: /Office Ollama/ })).toHaveTextContent('no key');

    // Editing never fills the key in: it says how to keep it.
    await user.click(within(openai).getByRole('button', { name: 'Edit OpenAI production' }));
    const edit = screen.getByRole('dialog', { name: 'Edit OpenAI production' });
    expect(within(edit).getByLabelText('API key')).toHaveValue('');
    expect(
      within(edit).getByText(/Leave empty to keep the stored key \(•••• 1234\)/),
    ).toBeVisible();
    await user.click(within(edit).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Add provider' }));
    const add = screen.getByRole('dialog', { name: 'Add an AI provider' });
    await user.type(within(add).getByLabelText('Name'), 'OpenRouter');
    await user.selectOptions(within(add).getByLabelText('Kind'), 'openrouter');
    await user.type(within(add).getByLabelText('API key'), secret);
    expect(within(add).getByLabelText('API key')).toHaveAttribute('type', 'password');
    await user.click(within(add).getByRole('button', { name: 'Add provider' }));

    await waitFor(() =>
      expect(sent).toEqual({ name: 'OpenRouter', kind: 'openrouter', api_key: secret }),
    );
    const row = await screen.findByRole('row', { name: /OpenRouter/ });
    expect(row).toHaveTextContent('•••• 9876');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('abcdefghijklmnop');
    expect(screen.queryByDisplayValue(secret)).not.toBeInTheDocument();
  });

  it('draws one bar group per day of the last 30 and this month against the budget', async () => {
    const days = lastDays(30);
    const queries = serveAi(
      [],
      usageReport([usageDay(days[27]!, 300, 100), usageDay(days[29]!, 50, 25)], 1000),
    );
    renderApp(`/manage/${TENANT_ID}/settings/ai`);

    const chart = await screen.findByRole('img', { name: /Tokens per day over the last 30 days/ });
    expect(chart).toHaveAccessibleName(/350 in, 125 out/);
    const groups = chart.querySelectorAll('g[data-day]');
    expect(groups).toHaveLength(30);
    expect([...groups].map((g) => g.getAttribute('data-day'))).toEqual(days);
    expect(groups[27]?.querySelector('title')).toHaveTextContent('300 in, 100 out');
    expect(groups[0]?.querySelector('title')).toHaveTextContent('0 in, 0 out');
    expect(queries[0]?.get('since')).toBe(days[0]);
    expect(queries[0]?.get('until')).toBe(days[29]);

    const budget = screen.getByRole('progressbar', { name: 'Provider tokens this month' });
    expect(budget).toHaveAttribute('aria-valuenow', '475');
    expect(budget).toHaveAttribute('aria-valuemax', '1000');
    const perModel = screen.getAllByRole('table').at(-1)!;
    expect(within(perModel).getByRole('row', { name: /offline\/extractive-v1/ })).toHaveTextContent(
      /offline\/extractive-v1\s*Chat\s*4\s*0\s*350\s*125\s*4 ms/,
    );
    expect(screen.getByText('No providers yet')).toBeInTheDocument();
  });

  it('says the knowledge base will be re-embedded after the embedding model changes', async () => {
    serveAi([provider]);
    let sent: AiSettingsUpdate | undefined;
    server.use(
      http.put<PathParams, AiSettingsUpdate>(api(`${AI}/settings`), async ({ request }) => {
        sent = await request.json();
        const saved: AiSettingsRead = {
          ...offlineSettings,
          embedding_provider_id: sent.embedding_provider_id ?? null,
          embedding_model: sent.embedding_model ?? null,
          monthly_token_budget: sent.monthly_token_budget ?? null,
          embeddings: sent.embedding_model
            ? {
                provider: provider.name,
                kind: 'openai',
                model: sent.embedding_model,
                source: 'workspace',
                offline: false,
              }
            : offlineSettings.embeddings,
        };
        return json(saved);
      }),
    );
    const { user } = renderApp(`/manage/${TENANT_ID}/settings/ai`);

    // A budget alone does not move the knowledge base.
    await user.type(await screen.findByLabelText('Monthly token budget'), '5000');
    await user.click(screen.getByRole('button', { name: 'Save defaults' }));
    expect(await screen.findByText('AI defaults saved')).toBeInTheDocument();
    expect(sent?.monthly_token_budget).toBe(5000);
    expect(screen.queryByText(/will be re-embedded/)).not.toBeInTheDocument();

    await user.selectOptions(
      await screen.findByLabelText('Embedding provider'),
      'OpenAI production (OpenAI)',
    );
    await user.type(screen.getByLabelText('Embedding model'), 'text-embedding-3-small');
    await user.click(screen.getByRole('button', { name: 'Save defaults' }));

    await waitFor(() =>
      expect(sent).toMatchObject({
        embedding_provider_id: PROVIDER_ID,
        embedding_model: 'text-embedding-3-small',
      }),
    );
    expect(
      await screen.findByText(
        'The knowledge base will be re-embedded with text-embedding-3-small.',
      ),
    ).toBeInTheDocument();
    const notice = screen
      .getAllByRole('status')
      .find((element) => element.textContent?.includes('Follow the progress'))!;
    expect(notice).toHaveTextContent('Searches keep using the current model');
    expect(notice).toHaveTextContent('sent to OpenAI production, which spends its tokens');
    expect(
      within(notice).getByRole('link', { name: 'Follow the progress in the knowledge base' }),
    ).toHaveAttribute('href', `/manage/${TENANT_ID}/knowledge-base`);
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(notice).not.toBeInTheDocument();
  });
});
