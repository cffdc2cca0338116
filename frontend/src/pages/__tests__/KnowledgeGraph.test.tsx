import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { INDEXING_POLL_MS } from '../../api/useKnowledge';
import type { EntityDetail, GraphExtractionRead } from '../../client';
import { OTHER_TENANT_ID, problem, TENANT_ID } from '../../test/fixtures';
import {
  acme,
  acmeDetail,
  bracket,
  BRACKET_ID,
  chunkPage,
  DOCUMENT_ID,
  documentPage,
  entityPage,
  extraction,
  firstChunk,
  readyDocument,
} from '../../test/knowledgeFixtures';
import { knowledgeDefaults, knowledgeUrl } from '../../test/knowledgeHandlers';
import { renderApp } from '../../test/renderApp';
import { json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = knowledgeUrl();
const PAGE = `/manage/${TENANT_ID}/knowledge-base`;

const bracketDetail: EntityDetail = {
  ...bracket,
  relations: [{ ...acmeDetail.relations[0]!, direction: 'incoming' }],
  sources: acmeDetail.sources,
};

/** The entity list answering every query with `pages(query)`; the queries, in order. */
function serveEntities(pages: (query: URLSearchParams) => ReturnType<typeof entityPage>) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${KNOWLEDGE}/graph/entities`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      return json(pages(query));
    }),
  );
  return queries;
}

const graphSection = async () =>
  (await screen.findByRole('heading', { name: 'Knowledge graph', level: 2 })).closest('section')!;

describe('Knowledge graph', () => {
  beforeEach(() => {
    server.use(
      ...knowledgeDefaults(),
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument]))),
      http.get(`${KNOWLEDGE}/documents/${DOCUMENT_ID}`, () => json(readyDocument)),
      http.get(`${KNOWLEDGE}/documents/${DOCUMENT_ID}/chunks`, () => json(chunkPage([firstChunk]))),
      http.get(`${KNOWLEDGE}/graph/entities/${acme.id}`, () => json(acmeDetail)),
      http.get(`${KNOWLEDGE}/graph/entities/${BRACKET_ID}`, () => json(bracketDetail)),
    );
  });

  it('lists entities, searches them by name and type, and shows one with its facts', async () => {
    const queries = serveEntities((query) =>
      query.get('type') === 'product' ? entityPage([bracket]) : entityPage([acme, bracket], 45),
    );
    const { user, router } = renderApp(PAGE);

    // The first test of the file also waits for the app's first load (session, workspaces).
    const section = await screen.findByRole(
      'heading',
      { name: 'Knowledge graph', level: 2 },
      { timeout: 5000 },
    );
    const graph = section.closest('section')!;
    const list = await within(graph).findByRole('list', { name: 'Entities' });
    expect(within(list).getByRole('button', { name: /Acme Corp/ })).toHaveTextContent(
      'Acme CorpOrganisation7 mentions in 2 documents',
    );
    expect(within(graph).getByText('1–20 of 45 entities')).toBeInTheDocument();
    expect(queries[0]?.toString()).toBe('limit=20&offset=0');

    await user.click(within(graph).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(queries.at(-1)?.get('offset')).toBe('20'));
    await user.type(within(graph).getByLabelText('Search entities'), 'acme');
    await waitFor(() => expect(queries.at(-1)?.get('q')).toBe('acme'));
    expect(queries.at(-1)?.get('offset')).toBe('0');
    await user.selectOptions(within(graph).getByLabelText('Entity type'), 'Product');
    await waitFor(() => expect(queries.at(-1)?.get('type')).toBe('product'));
    await user.clear(within(graph).getByLabelText('Search entities'));
    await user.selectOptions(within(graph).getByLabelText('Entity type'), 'All types');

    await user.click(await within(graph).findByRole('button', { name: /Acme Corp/ }));
    const detail = await within(graph).findByRole('article', { name: 'Acme Corp' });
    const facts = within(detail).getByRole('list', { name: 'Facts' });
    const items = within(facts).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('p')?.textContent)).toEqual([
      'Acme Corp — supplies → Bracket X',
      'Acme Corp — warranty period → 2 years',
      'Ana Pérez — works for → Acme Corp',
    ]);
    expect(items[0]).toHaveTextContent('from Price list 2026 · 90 % confidence');
    const mentions = within(detail).getByRole('list', { name: 'Mentions' });
    expect(mentions).toHaveTextContent('Price list 2026 7 mentions');
    expect(mentions).toHaveTextContent('in passage 1 (×5), a passage being reindexed (×2)');

    // The neighbourhood: Acme in the middle, the two entities its facts name around it.
    const diagram = within(detail).getByRole('group', {
      name: 'Acme Corp and the entities its facts link it to',
    });
    expect(within(diagram).getByRole('button', { name: 'Show Bracket X' })).toBeInTheDocument();
    expect(within(diagram).getByRole('button', { name: 'Show Ana Pérez' })).toBeInTheDocument();
    expect(diagram).toHaveTextContent('supplies');
    expect(diagram).toHaveTextContent('works for');

    // Another entity from the diagram, then a fact's source document in the drawer.
    await user.click(within(diagram).getByRole('button', { name: 'Show Bracket X' }));
    const other = await within(graph).findByRole('article', { name: 'Bracket X' });
    expect(other).toHaveTextContent('A steel wall bracket');
    const fact = within(within(other).getByRole('list', { name: 'Facts' })).getByRole('listitem');
    await user.click(within(fact).getByRole('link', { name: 'Price list 2026' }));
    expect(router.state.location.search).toBe(`?document=${DOCUMENT_ID}`);
    expect(await screen.findByRole('dialog', { name: 'Price list 2026' })).toBeInTheDocument();
    // The graph keeps its place behind the drawer.
    expect(within(graph).getByRole('article', { name: 'Bracket X' })).toBeInTheDocument();
  }, 15_000);

  it('says why the list is empty, and clears filters that match nothing', async () => {
    const queries = serveEntities(() => entityPage([]));
    const { user } = renderApp(PAGE);

    const graph = await graphSection();
    expect(await within(graph).findByText('No entities yet')).toBeInTheDocument();
    await user.selectOptions(within(graph).getByLabelText('Entity type'), 'Person');
    expect(await within(graph).findByText('No entities match')).toBeInTheDocument();
    expect(within(graph).getByText(/Nothing of type Person is named/)).toBeInTheDocument();
    await user.click(within(graph).getByRole('button', { name: 'Clear filters' }));
    expect(await within(graph).findByText('No entities yet')).toBeInTheDocument();
    expect(within(graph).getByLabelText('Entity type')).toHaveValue('');
    expect(queries.map((q) => q.get('type'))).toEqual([null, 'person']);
  });

  it('says so when an entity is gone', async () => {
    serveEntities(() => entityPage([acme]));
    server.use(
      http.get(`${KNOWLEDGE}/graph/entities/${acme.id}`, () =>
        problemResponse(problem(404, 'not-found', 'Not found', { detail: 'Entity not found' })),
      ),
    );
    const { user } = renderApp(PAGE);

    const graph = await graphSection();
    await user.click(await within(graph).findByRole('button', { name: /Acme Corp/ }));
    expect(await within(graph).findByText('Entity not found')).toBeInTheDocument();
  });

  it("shows a document's failed extraction in the drawer and extracts it again", async () => {
    let current: GraphExtractionRead = extraction({
      status: 'failed',
      attempts: 3,
      last_error: 'The model returned no JSON',
      extractor: 'gpt-4o-mini',
    });
    let extracted = 0;
    server.use(
      http.get(`${KNOWLEDGE}/graph/documents/${DOCUMENT_ID}`, () => json(current)),
      http.post(`${KNOWLEDGE}/graph/documents/${DOCUMENT_ID}/extract`, () => {
        extracted += 1;
        current = { ...current, status: 'queued', last_error: null, attempts: 0 };
        return json(current, 202);
      }),
    );
    const { user } = renderApp(`${PAGE}?document=${DOCUMENT_ID}`);

    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    const status = await within(drawer).findByRole('group', { name: 'Graph extraction' });
    expect(within(status).getByText('Failed')).toBeInTheDocument();
    expect(within(status).getByRole('alert')).toHaveTextContent(
      'Extraction failed after 3 attempts',
    );
    expect(within(status).getByRole('alert')).toHaveTextContent('The model returned no JSON');
    expect(within(status).getByText('gpt-4o-mini')).toBeInTheDocument();

    await user.click(within(status).getByRole('button', { name: 'Re-extract facts' }));
    expect(await screen.findByText('Extracting facts again')).toBeInTheDocument();
    expect(extracted).toBe(1);
    expect(await within(status).findByText('Queued')).toBeInTheDocument();
    expect(within(status).queryByRole('alert')).not.toBeInTheDocument();
    expect(within(status).getByRole('button', { name: 'Re-extract facts' })).toBeDisabled();

    // Followed until the run ends.
    current = { ...current, status: 'ready', entity_count: 6, extractor: 'gpt-4o-mini' };
    expect(
      await within(status).findByText('Ready', {}, { timeout: INDEXING_POLL_MS + 2000 }),
    ).toBeInTheDocument();
    expect(within(status).getByText('6')).toBeInTheDocument();
    expect(within(status).getByRole('button', { name: 'Re-extract facts' })).toBeEnabled();
  }, 15_000);

  it('shows the API’s refusal to extract as a toast', async () => {
    server.use(
      http.post(`${KNOWLEDGE}/graph/documents/${DOCUMENT_ID}/extract`, () =>
        problemResponse(
          problem(409, 'conflict', 'Conflict', {
            detail: 'The graph of this document is being extracted already',
          }),
        ),
      ),
    );
    const { user } = renderApp(`${PAGE}?document=${DOCUMENT_ID}`);

    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    const status = await within(drawer).findByRole('group', { name: 'Graph extraction' });
    expect(within(status).getByText('offline/patterns-v1')).toBeInTheDocument();
    await user.click(within(status).getByRole('button', { name: 'Re-extract facts' }));
    expect(
      await screen.findByText('The graph of this document is being extracted already'),
    ).toBeInTheDocument();
  });

  it('lets a member browse the graph but not extract', async () => {
    const base = knowledgeUrl(OTHER_TENANT_ID);
    server.use(
      ...knowledgeDefaults({ entities: entityPage([acme]) }, OTHER_TENANT_ID),
      http.get(`${base}/documents`, () => json(documentPage([readyDocument]))),
      http.get(`${base}/documents/${DOCUMENT_ID}`, () => json(readyDocument)),
      http.get(`${base}/documents/${DOCUMENT_ID}/chunks`, () => json(chunkPage([firstChunk]))),
      http.get(`${base}/graph/entities/${acme.id}`, () => json(acmeDetail)),
    );
    const { user } = renderApp(`/manage/${OTHER_TENANT_ID}/knowledge-base?document=${DOCUMENT_ID}`);

    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    const status = await within(drawer).findByRole('group', { name: 'Graph extraction' });
    expect(within(status).getByText('Ready')).toBeInTheDocument();
    expect(within(status).queryByRole('button')).toBeNull();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    const graph = await graphSection();
    await user.click(await within(graph).findByRole('button', { name: /Acme Corp/ }));
    expect(await within(graph).findByRole('article', { name: 'Acme Corp' })).toBeInTheDocument();
  });
});
