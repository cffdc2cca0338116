import { screen, waitFor, within } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import type {
  CollectionCreate,
  CollectionRead,
  CollectionUpdate,
  DocumentRead,
  DocumentUpdate,
} from '../../client';
import { problem, TENANT_ID, fieldError } from '../../test/fixtures';
import {
  COLLECTION_ID,
  documentPage,
  pricingCollection,
  readyDocument,
} from '../../test/knowledgeFixtures';
import { knowledgeDefaults, knowledgeUrl, recordListQueries } from '../../test/knowledgeHandlers';
import { renderApp } from '../../test/renderApp';
import { json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = knowledgeUrl();
const PAGE = `/manage/${TENANT_ID}/knowledge-base`;

describe('KnowledgePage collections', () => {
  beforeEach(() => {
    server.use(...knowledgeDefaults());
  });

  it('browses a collection, renames it and deletes it after confirming', async () => {
    let collections: CollectionRead[] = [pricingCollection];
    let renamed: CollectionUpdate | undefined;
    let deleted = false;
    server.use(
      http.get(`${KNOWLEDGE}/collections`, () => json(collections)),
      http.patch<PathParams, CollectionUpdate>(
        `${KNOWLEDGE}/collections/${COLLECTION_ID}`,
        async ({ request }) => {
          renamed = await request.json();
          const prices: CollectionRead = { ...pricingCollection, name: 'Prices' };
          collections = [prices];
          return json(prices);
        },
      ),
      http.delete(`${KNOWLEDGE}/collections/${COLLECTION_ID}`, () => {
        deleted = true;
        collections = [];
        return new Response(null, { status: 204 });
      }),
    );
    const queries = recordListQueries((url) =>
      url.searchParams.get('collection_id') === COLLECTION_ID ||
      !url.searchParams.has('collection_id')
        ? [{ ...readyDocument, collection_id: COLLECTION_ID }]
        : [],
    );
    const { user, router } = renderApp(PAGE);

    const nav = await screen.findByRole('navigation', { name: 'Collections' });
    expect(await within(nav).findByRole('button', { name: /Pricing/ })).toHaveTextContent('1');
    // In "All documents" each row says which collection it is in.
    expect(await screen.findByText('in Pricing')).toBeInTheDocument();

    await user.click(within(nav).getByRole('button', { name: /Pricing/ }));
    await waitFor(() => expect(queries.at(-1)?.get('collection_id')).toBe(COLLECTION_ID));
    expect(router.state.location.search).toBe(`?collection=${COLLECTION_ID}`);
    expect(screen.getByText('Plans and price lists')).toBeInTheDocument();
    expect(screen.getByText('New documents go into Pricing.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename Pricing' });
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Prices');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(renamed).toEqual({ name: 'Prices' }));
    expect(await screen.findByText('Collection saved')).toBeInTheDocument();
    expect(await within(nav).findByRole('button', { name: /Prices/ })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete collection' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete Prices?' });
    expect(confirm).toHaveTextContent('Its document stays in the knowledge base');
    await user.click(within(confirm).getByRole('button', { name: 'Delete collection' }));
    await waitFor(() => expect(deleted).toBe(true));
    expect(await screen.findByText('Collection deleted')).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe(''));
    await waitFor(() =>
      expect(within(nav).getByRole('button', { name: /All documents/ })).toHaveAttribute(
        'aria-current',
        'true',
      ),
    );
  });

  it('creates a collection, shows a taken name at the field, then opens the new one', async () => {
    const created: CollectionRead = {
      ...pricingCollection,
      id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
      name: 'Support',
      description: '',
      document_count: 0,
    };
    const sent: CollectionCreate[] = [];
    server.use(
      http.get(`${KNOWLEDGE}/collections`, () =>
        json(sent.length === 2 ? [pricingCollection, created] : [pricingCollection]),
      ),
      http.post<PathParams, CollectionCreate>(`${KNOWLEDGE}/collections`, async ({ request }) => {
        sent.push(await request.json());
        if (sent.length === 1) {
          return problemResponse(
            problem(409, 'conflict', 'Conflict', {
              detail: "A collection named 'Pricing' exists already",
              errors: [fieldError('body.name', 'a collection with this name exists', 'duplicate')],
            }),
          );
        }
        return json(created, 201);
      }),
    );
    const queries = recordListQueries(() => []);
    const { user } = renderApp(PAGE);

    await user.click(await screen.findByRole('button', { name: 'New collection' }));
    const dialog = screen.getByRole('dialog', { name: 'New collection' });
    await user.type(within(dialog).getByLabelText('Name'), 'Pricing');
    await user.click(within(dialog).getByRole('button', { name: 'Create collection' }));
    expect(await within(dialog).findByText('a collection with this name exists')).toBeVisible();
    expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(dialog).getByLabelText('Name'));
    await user.type(within(dialog).getByLabelText('Name'), 'Support');
    await user.click(within(dialog).getByRole('button', { name: 'Create collection' }));
    expect(await screen.findByText('Collection created')).toBeInTheDocument();
    expect(sent[1]).toEqual({ name: 'Support', description: '' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(queries.at(-1)?.get('collection_id')).toBe(created.id));
    expect(await screen.findByText('No documents in Support')).toBeInTheDocument();
  });

  it("filters by a document's tag and clears the filter", async () => {
    const queries = recordListQueries(() => [{ ...readyDocument, tags: ['faq', 'pricing'] }]);
    const { user, router } = renderApp(PAGE);

    await user.click(await screen.findByRole('button', { name: 'Show documents tagged faq' }));
    await waitFor(() => expect(queries.at(-1)?.get('tag')).toBe('faq'));
    expect(router.state.location.search).toBe('?tag=faq');
    await user.click(screen.getByRole('button', { name: 'Clear tag filter faq' }));
    // The unfiltered list is still cached: the URL changes, no request is needed.
    expect(router.state.location.search).toBe('');

    await user.type(screen.getByLabelText('Filter by tag'), 'pricing{Enter}');
    await waitFor(() => expect(queries.at(-1)?.get('tag')).toBe('pricing'));
  });

  it('moves the selected documents into a collection', async () => {
    const other: DocumentRead = {
      ...readyDocument,
      id: '4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a',
      title: 'Refund policy',
    };
    const patched: { id: string; body: DocumentUpdate }[] = [];
    server.use(
      ...knowledgeDefaults({ collections: [pricingCollection] }),
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument, other]))),
      http.patch<{ id: string }, DocumentUpdate>(
        `${KNOWLEDGE}/documents/:id`,
        async ({ request, params }) => {
          const body = await request.json();
          patched.push({ id: String(params.id), body });
          return json({ ...readyDocument, id: String(params.id), collection_id: COLLECTION_ID });
        },
      ),
    );
    const { user } = renderApp(PAGE);

    await user.click(await screen.findByRole('checkbox', { name: 'Select Price list 2026' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Refund policy' }));
    const bar = screen.getByRole('region', { name: 'Selected documents' });
    expect(bar).toHaveTextContent('2 selected');
    await user.selectOptions(within(bar).getByLabelText('Move to collection'), 'Pricing');
    await user.click(within(bar).getByRole('button', { name: 'Move' }));

    expect(await screen.findByText('Moved 2 documents')).toBeInTheDocument();
    expect(patched.map((p) => p.id).sort()).toEqual([readyDocument.id, other.id].sort());
    expect(patched.every((p) => p.body.collection_id === COLLECTION_ID)).toBe(true);
    expect(screen.queryByRole('region', { name: 'Selected documents' })).not.toBeInTheDocument();
  });
});
