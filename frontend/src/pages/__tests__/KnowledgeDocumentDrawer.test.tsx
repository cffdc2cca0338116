import { screen, waitFor, within } from '@testing-library/react';
import { delay, http, type PathParams } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import type { ChunkRead, ChunkUpdate, DocumentRead, DocumentUpdate } from '../../client';
import { problem, TENANT_ID } from '../../test/fixtures';
import {
  chunkPage,
  COLLECTION_ID,
  DOCUMENT_ID,
  documentPage,
  firstChunk,
  pricingCollection,
  readyDocument,
} from '../../test/knowledgeFixtures';
import { knowledgeDefaults, knowledgeUrl } from '../../test/knowledgeHandlers';
import { renderApp } from '../../test/renderApp';
import { json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = knowledgeUrl();
const PAGE = `/manage/${TENANT_ID}/knowledge-base`;
const DOCUMENT_PAGE = `${PAGE}?document=${DOCUMENT_ID}`;

/** The list, the document and its chunks; the getters are read on every request. */
function serveDocument(document: () => DocumentRead, chunk: () => ChunkRead = () => firstChunk) {
  server.use(
    http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([document()]))),
    http.get(`${KNOWLEDGE}/documents/${DOCUMENT_ID}`, () => json(document())),
    http.get(`${KNOWLEDGE}/documents/${DOCUMENT_ID}/chunks`, () => json(chunkPage([chunk()], 12))),
  );
}

describe('Knowledge document drawer', () => {
  beforeEach(() => {
    server.use(...knowledgeDefaults({ collections: [pricingCollection] }));
  });

  it('opens from the list, shows what indexing made of it, and closes with Escape', async () => {
    serveDocument(() => readyDocument);
    const { user, router } = renderApp(PAGE);

    // The first test of the file also waits for the app's first load (session, workspaces).
    const link = await screen.findByRole('link', { name: 'Price list 2026' }, { timeout: 5000 });
    await user.click(link);
    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    expect(router.state.location.search).toBe(`?document=${DOCUMENT_ID}`);
    expect(within(drawer).getByText('local-hash-256')).toBeInTheDocument();
    expect(within(drawer).getByText('47.1 KB')).toBeInTheDocument();
    expect(within(drawer).getByText('3,400')).toBeInTheDocument();
    const passages = await within(drawer).findByRole('list', { name: 'Passages' });
    expect(within(passages).getByText('The business plan costs 49 € per seat.')).toBeVisible();
    expect(within(passages).getByText(/Plans › Business · pp\. 2–3 · 11 tokens/)).toBeVisible();
    expect(within(drawer).getByText('1–10 of 12 passages')).toBeInTheDocument();

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.search).toBe('');
  });

  it('saves only the changed details: title, collection and tags', async () => {
    let current: DocumentRead = readyDocument;
    let sent: DocumentUpdate | undefined;
    serveDocument(() => current);
    server.use(
      http.patch<PathParams, DocumentUpdate>(
        `${KNOWLEDGE}/documents/${DOCUMENT_ID}`,
        async ({ request }) => {
          sent = await request.json();
          current = {
            ...current,
            title: sent.title ?? current.title,
            tags: [...(sent.tags ?? current.tags)].sort(),
            collection_id:
              sent.collection_id === undefined ? current.collection_id : sent.collection_id,
          };
          return json(current);
        },
      ),
    );
    const { user } = renderApp(DOCUMENT_PAGE);

    const form = await screen.findByRole('form', { name: 'Document details' });
    expect(within(form).getByRole('button', { name: 'Save details' })).toBeDisabled();
    const title = within(form).getByLabelText('Title');
    await user.clear(title);
    await user.paste('Prices 2026');
    await user.selectOptions(within(form).getByLabelText('Collection'), 'Pricing');
    await user.type(within(form).getByRole('textbox', { name: 'Tags' }), 'pricing{Enter}');
    await user.type(within(form).getByRole('textbox', { name: 'Tags' }), 'b2b{Enter}');
    await user.click(within(form).getByRole('button', { name: 'Save details' }));

    await waitFor(() =>
      expect(sent).toEqual({
        title: 'Prices 2026',
        collection_id: COLLECTION_ID,
        tags: ['b2b', 'pricing'],
      }),
    );
    expect(await screen.findByText('Document saved')).toBeInTheDocument();
    expect(await screen.findByRole('dialog', { name: 'Prices 2026' })).toBeInTheDocument();
    const saved = await screen.findByRole('form', { name: 'Document details' });
    await waitFor(() =>
      expect(within(saved).getByRole('button', { name: 'Save details' })).toBeDisabled(),
    );
    const tags = within(saved).getByRole('list', { name: 'Tags' });
    expect(
      within(tags)
        .getAllByRole('listitem')
        .map((item) => item.firstChild?.textContent),
    ).toEqual(['b2b', 'pricing']);
  });

  it('shows why a document failed, retries it and follows the new indexing', async () => {
    let current: DocumentRead = {
      ...readyDocument,
      status: 'failed',
      progress: 0,
      attempts: 3,
      last_error: 'PDF parse error: the file is encrypted',
      chunk_count: 0,
    };
    serveDocument(() => current);
    server.use(
      http.post(`${KNOWLEDGE}/documents/${DOCUMENT_ID}/reindex`, () => {
        current = { ...current, status: 'chunking', progress: 0.4, last_error: null, attempts: 0 };
        return json(current);
      }),
    );
    const { user } = renderApp(DOCUMENT_PAGE);

    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    const alert = await within(drawer).findByRole('alert');
    expect(alert).toHaveTextContent('Indexing failed after 3 attempts');
    expect(alert).toHaveTextContent('PDF parse error: the file is encrypted');
    expect(alert).toHaveTextContent('Agents cannot find this document until indexing succeeds.');

    await user.click(within(alert).getByRole('button', { name: 'Retry indexing' }));
    expect(await screen.findByText('Indexing again')).toBeInTheDocument();
    const progress = await within(drawer).findByRole('progressbar', { name: 'Indexing progress' });
    expect(progress).toHaveAttribute('aria-valuenow', '40');
    expect(within(drawer).getByText('Step 2 of 3: Splitting')).toBeInTheDocument();
    expect(within(drawer).queryByRole('alert')).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Reindex' })).toBeDisabled();
    expect(within(drawer).getByRole('button', { name: 'Edit passage 1' })).toBeDisabled();
  });

  it('edits a passage inline: it is embedded again before the API answers', async () => {
    let sent: ChunkUpdate | undefined;
    let chunk = firstChunk;
    serveDocument(
      () => readyDocument,
      () => chunk,
    );
    server.use(
      http.patch<PathParams, ChunkUpdate>(
        `${KNOWLEDGE}/documents/${DOCUMENT_ID}/chunks/${firstChunk.id}`,
        async ({ request }) => {
          sent = await request.json();
          await delay(150);
          chunk = { ...firstChunk, text: sent.text, token_count: 9 };
          return json(chunk);
        },
      ),
    );
    const { user } = renderApp(DOCUMENT_PAGE);

    const passage = await screen.findByRole('listitem', { name: 'Passage 1' });
    await user.click(within(passage).getByRole('button', { name: 'Edit passage 1' }));
    const text = within(passage).getByLabelText('Text of passage 1');
    await user.clear(text);
    await user.paste('The business plan costs 59 € per seat.');
    await user.click(within(passage).getByRole('button', { name: 'Save passage' }));

    expect(await within(passage).findByRole('status')).toHaveTextContent(
      'Saving and embedding again…',
    );
    expect(await screen.findByText('Passage 1 saved')).toBeInTheDocument();
    expect(sent).toEqual({ text: 'The business plan costs 59 € per seat.' });
    expect(await within(passage).findByText('Embedded again')).toBeInTheDocument();
    expect(within(passage).getByText('The business plan costs 59 € per seat.')).toBeVisible();
    expect(within(passage).queryByLabelText('Text of passage 1')).not.toBeInTheDocument();
  });

  it('shows the API’s refusal of a passage edit in the editor', async () => {
    serveDocument(() => readyDocument);
    server.use(
      http.patch(`${KNOWLEDGE}/documents/${DOCUMENT_ID}/chunks/${firstChunk.id}`, () =>
        problemResponse(
          problem(409, 'conflict', 'Conflict', {
            detail: 'The document is being indexed; edit its chunks once it is ready',
          }),
        ),
      ),
    );
    const { user } = renderApp(DOCUMENT_PAGE);

    const passage = await screen.findByRole('listitem', { name: 'Passage 1' });
    await user.click(within(passage).getByRole('button', { name: 'Edit passage 1' }));
    await user.type(within(passage).getByLabelText('Text of passage 1'), ' More.');
    await user.click(within(passage).getByRole('button', { name: 'Save passage' }));
    expect(await within(passage).findByRole('alert')).toHaveTextContent(
      'The document is being indexed; edit its chunks once it is ready',
    );
    expect(within(passage).getByLabelText('Text of passage 1')).toBeInTheDocument();
  });

  it('deletes the document from the drawer and closes it', async () => {
    let deleted = false;
    serveDocument(() => readyDocument);
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage(deleted ? [] : [readyDocument]))),
      http.delete(`${KNOWLEDGE}/documents/${DOCUMENT_ID}`, () => {
        deleted = true;
        return new Response(null, { status: 204 });
      }),
    );
    const { user, router } = renderApp(DOCUMENT_PAGE);

    const drawer = await screen.findByRole('dialog', { name: 'Price list 2026' });
    await user.click(within(drawer).getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete document?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));

    expect(await screen.findByText('Document deleted')).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.search).toBe(''));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('No documents yet')).toBeInTheDocument();
  });

  it('says so when the document named in the URL does not exist', async () => {
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([]))),
      http.get(`${KNOWLEDGE}/documents/${DOCUMENT_ID}`, () =>
        problemResponse(problem(404, 'not-found', 'Not found', { detail: 'Document not found' })),
      ),
    );
    const { user } = renderApp(DOCUMENT_PAGE);

    const drawer = await screen.findByRole('dialog', { name: 'Document' });
    expect(await within(drawer).findByText('Document not found')).toBeInTheDocument();
    await user.click(within(drawer).getByRole('button', { name: 'Back to the list' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
