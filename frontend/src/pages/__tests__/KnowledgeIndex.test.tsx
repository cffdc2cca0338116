import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { INDEXING_POLL_MS } from '../../api/useKnowledge';
import type { KnowledgeIndexRead } from '../../client';
import { OTHER_TENANT_ID, problem, TENANT_ID } from '../../test/fixtures';
import {
  COLLECTION_ID,
  documentPage,
  knowledgeIndex,
  knowledgeStats,
  LOCAL_EMBEDDINGS,
  OPENAI_EMBEDDINGS,
  pricingCollection,
  readyDocument,
} from '../../test/knowledgeFixtures';
import { knowledgeDefaults, knowledgeUrl } from '../../test/knowledgeHandlers';
import { renderApp } from '../../test/renderApp';
import { json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = knowledgeUrl();
const PAGE = `/manage/${TENANT_ID}/knowledge-base`;

/** The index as the getter says on every request, and how many requests there were. */
function serveIndex(index: () => KnowledgeIndexRead) {
  const seen = { requests: 0 };
  server.use(
    http.get(`${KNOWLEDGE}/index`, () => {
      seen.requests += 1;
      return json(index());
    }),
  );
  return seen;
}

const embeddingPanel = () => screen.findByRole('region', { name: 'Embedding model' });

describe('Knowledge page: embedding model and reindexing', () => {
  beforeEach(() => {
    server.use(
      ...knowledgeDefaults({ stats: knowledgeStats({ total_tokens: 3_400 }) }),
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument]))),
    );
  });

  it('says searches use the local model, offline', async () => {
    serveIndex(() => knowledgeIndex());
    renderApp(PAGE);

    // The first test of the file also waits for the app's first load (session, workspaces).
    const panel = await screen.findByRole('region', { name: 'Embedding model' }, { timeout: 5000 });
    expect(await within(panel).findByText('local/all-MiniLM-L6-v2')).toBeInTheDocument();
    expect(within(panel).getByText('Local · offline')).toBeInTheDocument();
    expect(panel).toHaveTextContent('no provider tokens are spent');
    expect(within(panel).queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('re-embeds everything after a confirmation that warns of provider tokens, then follows the move', async () => {
    let current = knowledgeIndex({ configured: OPENAI_EMBEDDINGS });
    let rebuilt = 0;
    const seen = serveIndex(() => current);
    server.use(
      http.post(`${KNOWLEDGE}/index/rebuild`, () => {
        rebuilt += 1;
        current = {
          ...current,
          state: 'building',
          target: OPENAI_EMBEDDINGS,
          chunks_total: 160,
          chunks_done: 40,
          progress: 0.25,
          started_at: '2026-03-03T10:00:00Z',
        };
        return json(current, 202);
      }),
    );
    const { user } = renderApp(PAGE);

    const panel = await embeddingPanel();
    // The AI settings chose another model than the one serving searches.
    expect(await within(panel).findByText(/The AI settings now choose/)).toHaveTextContent(
      'text-embedding-3-small',
    );
    await user.click(within(panel).getByRole('button', { name: 'Re-embed everything' }));
    const dialog = screen.getByRole('dialog', { name: 'Re-embed everything?' });
    expect(dialog).toHaveTextContent('Every passage (12 chunks) is embedded again');
    expect(dialog).toHaveTextContent(
      "text-embedding-3-small is a provider's model: every passage is sent to OpenAI at api.openai.com again, which costs about 3,400 tokens",
    );
    expect(rebuilt).toBe(0);
    await user.click(within(dialog).getByRole('button', { name: 'Re-embed everything' }));

    expect(await screen.findByText('Re-embedding started')).toBeInTheDocument();
    expect(rebuilt).toBe(1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const progress = await within(panel).findByRole('progressbar', {
      name: 'Re-embedding progress',
    });
    expect(progress).toHaveAttribute('aria-valuenow', '25');
    expect(panel).toHaveTextContent(
      'Re-embedding 40 of 160 chunks with text-embedding-3-small — searches keep using local/all-MiniLM-L6-v2 until it finishes.',
    );
    expect(within(panel).queryByRole('button', { name: 'Re-embed everything' })).toBeNull();

    // Polled while building; once done, the provider's model serves searches.
    const before = seen.requests;
    current = {
      ...current,
      active: OPENAI_EMBEDDINGS,
      state: 'ready',
      target: null,
      chunks_done: 160,
      progress: 1,
      finished_at: new Date().toISOString(),
    };
    expect(
      await within(panel).findByText('Provider', {}, { timeout: INDEXING_POLL_MS + 2000 }),
    ).toBeInTheDocument();
    expect(seen.requests).toBeGreaterThan(before);
    expect(within(panel).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(panel).toHaveTextContent('Served by OpenAI at api.openai.com');
  }, 15_000);

  it('shows why a move failed and retries it', async () => {
    let current = knowledgeIndex({
      configured: OPENAI_EMBEDDINGS,
      state: 'failed',
      target: OPENAI_EMBEDDINGS,
      chunks_total: 160,
      chunks_done: 80,
      progress: 0.5,
      attempts: 3,
      last_error: 'OpenAI refused the key (401)',
    });
    serveIndex(() => current);
    server.use(
      http.post(`${KNOWLEDGE}/index/rebuild`, () => {
        current = { ...current, state: 'building', attempts: 0, last_error: null, chunks_done: 0 };
        return json(current, 202);
      }),
    );
    const { user } = renderApp(PAGE);

    const panel = await embeddingPanel();
    const alert = await within(panel).findByRole('alert');
    expect(alert).toHaveTextContent(
      'Re-embedding with text-embedding-3-small failed after 3 attempts',
    );
    expect(alert).toHaveTextContent('OpenAI refused the key (401)');
    expect(alert).toHaveTextContent('Searches keep using local/all-MiniLM-L6-v2');

    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Re-embedding started')).toBeInTheDocument();
    expect(await within(panel).findByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    expect(within(panel).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a refused rebuild as a toast', async () => {
    serveIndex(() => knowledgeIndex());
    server.use(
      http.post(`${KNOWLEDGE}/index/rebuild`, () =>
        problemResponse(
          problem(429, 'rate-limited', 'Too many requests', { detail: 'Try again in a minute' }),
        ),
      ),
    );
    const { user } = renderApp(PAGE);

    const panel = await embeddingPanel();
    await user.click(await within(panel).findByRole('button', { name: 'Re-embed everything' }));
    const dialog = screen.getByRole('dialog', { name: 'Re-embed everything?' });
    expect(dialog).toHaveTextContent('costs no provider tokens');
    await user.click(within(dialog).getByRole('button', { name: 'Re-embed everything' }));
    expect(await screen.findByText('Try again in a minute')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('reindexes a collection after confirming and reports the counts', async () => {
    let reindexed = 0;
    server.use(
      ...knowledgeDefaults({ collections: [{ ...pricingCollection, document_count: 5 }] }),
      http.post(`${KNOWLEDGE}/collections/${COLLECTION_ID}/reindex`, () => {
        reindexed += 1;
        return json({ queued: 4, busy: 1 }, 202);
      }),
    );
    const { user } = renderApp(`${PAGE}?collection=${COLLECTION_ID}`);

    await user.click(await screen.findByRole('button', { name: 'Reindex collection' }));
    const dialog = screen.getByRole('dialog', { name: 'Reindex Pricing?' });
    expect(dialog).toHaveTextContent('Its 5 documents are read, split and embedded again');
    await user.click(within(dialog).getByRole('button', { name: 'Reindex' }));

    expect(await screen.findByText('Reindexing Pricing')).toBeInTheDocument();
    expect(
      screen.getByText(
        '4 documents queued; their current passages serve until replaced. 1 document was being indexed already and left alone.',
      ),
    ).toBeInTheDocument();
    expect(reindexed).toBe(1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows a member the model and a failed move, but no way to change them', async () => {
    const base = knowledgeUrl(OTHER_TENANT_ID);
    server.use(
      ...knowledgeDefaults(
        {
          collections: [pricingCollection],
          index: knowledgeIndex({
            active: LOCAL_EMBEDDINGS,
            configured: OPENAI_EMBEDDINGS,
            state: 'failed',
            target: OPENAI_EMBEDDINGS,
            last_error: 'Budget used up',
          }),
        },
        OTHER_TENANT_ID,
      ),
      http.get(`${base}/documents`, () => json(documentPage([readyDocument]))),
    );
    const { user } = renderApp(`/manage/${OTHER_TENANT_ID}/knowledge-base`);

    const panel = await embeddingPanel();
    expect(await within(panel).findByRole('alert')).toHaveTextContent('Budget used up');
    expect(within(panel).queryByRole('button')).toBeNull();
    const nav = screen.getByRole('navigation', { name: 'Collections' });
    await user.click(await within(nav).findByRole('button', { name: /Pricing/ }));
    expect(await screen.findByText('Plans and price lists')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Reindex|Rename|Re-embed/ })).toBeNull();
  });
});
