import { screen, waitFor, within } from '@testing-library/react';
import { http, type PathParams } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { INDEXING_POLL_MS } from '../../api/useKnowledge';
import type { DocumentRead, SearchRequest } from '../../client';
import { OTHER_TENANT_ID, TENANT_ID } from '../../test/fixtures';
import {
  COLLECTION_ID,
  documentPage,
  knowledgeStats,
  pricingCollection,
  readyDocument,
  searchResponse,
} from '../../test/knowledgeFixtures';
import { knowledgeDefaults, knowledgeUrl } from '../../test/knowledgeHandlers';
import { renderApp } from '../../test/renderApp';
import { json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = knowledgeUrl();
const PAGE = `/manage/${TENANT_ID}/knowledge-base`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KnowledgePage', () => {
  beforeEach(() => {
    server.use(...knowledgeDefaults());
  });

  it('explains the supported formats when there are no documents', async () => {
    server.use(http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([]))));
    renderApp(PAGE);
    // The first test of the file also waits for the app's first load (session, workspaces).
    expect(await screen.findByText('No documents yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText(/PDF, DOCX, HTML, Markdown, plain text and CSV files/)).toBeVisible();
    expect(screen.getByRole('link', { name: 'Knowledge base' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('uploads files as multipart, lists the new one as queued and reports a duplicate', async () => {
    const queued: DocumentRead = {
      ...readyDocument,
      id: '8e9f0a1b-2c3d-4e5f-8a7b-9c0d1e2f3a4b',
      title: 'handbook',
      filename: 'handbook.md',
      status: 'queued',
      progress: 0,
      chunk_count: 0,
      token_count: 0,
      page_count: null,
      indexed_at: null,
    };
    const listed: DocumentRead[] = [];
    const sent: { name: string; type: string | null }[] = [];
    let readsOfTheUpload = 0;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage(listed))),
      // The upload's own row follows the document: queued at first, then ready.
      http.get(`${KNOWLEDGE}/documents/${queued.id}`, () => {
        readsOfTheUpload += 1;
        return json(readsOfTheUpload > 1 ? { ...queued, status: 'ready', progress: 1 } : queued);
      }),
      http.post(`${KNOWLEDGE}/documents`, async ({ request }) => {
        sent.push({ name: '', type: request.headers.get('content-type') });
        const form = await request.formData();
        // jsdom's File does not survive into Node's FormData intact; the part is there.
        sent[sent.length - 1]!.name = form.has('file') ? `file ${sent.length}` : 'no file';
        if (sent.length === 2) {
          return problemResponse({
            type: 'urn:agentplatform:problem:conflict',
            title: 'Conflict',
            status: 409,
            detail: 'This file is already in the knowledge base',
            errors: [
              {
                field: 'body.file',
                message: `duplicate of document ${queued.id}`,
                code: 'duplicate',
                loc: ['body', 'file'],
              },
            ],
          });
        }
        listed.push(queued);
        return json(queued, 201);
      }),
    );
    const { user } = renderApp(PAGE);
    await screen.findByText('No documents yet');

    await user.upload(screen.getByLabelText('Files to upload'), [
      new File(['handbook'], 'handbook.md', { type: 'text/markdown' }),
      new File(['again'], 'again.md', { type: 'text/markdown' }),
    ]);

    await waitFor(() => expect(sent.length).toBe(2));
    const row = (await screen.findByText('handbook.md', { selector: 'td span' })).closest('tr')!;
    expect(within(row).getByText('Queued')).toBeInTheDocument();
    expect(within(row).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
    expect(sent.map((s) => s.name)).toEqual(['file 1', 'file 2']);
    expect(sent[0]!.type).toMatch(/^multipart\/form-data; boundary=/);
    const uploads = screen.getByRole('list', { name: 'Uploads' });
    expect(await within(uploads).findByRole('alert')).toHaveTextContent(
      `Already uploaded: duplicate of document ${queued.id}`,
    );
    expect(within(uploads).getByText('Queued')).toBeInTheDocument();
    expect(await within(uploads).findByText('Ready', {}, { timeout: 8000 })).toBeInTheDocument();
  });

  it('polls while a document is indexing and stops once all are ready', async () => {
    let requests = 0;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => {
        requests += 1;
        const indexing = requests === 1;
        return json(
          documentPage([
            indexing ? { ...readyDocument, status: 'embedding', progress: 0.5 } : readyDocument,
          ]),
        );
      }),
    );
    renderApp(PAGE);

    expect(await screen.findByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByText('Embedding', { selector: 'td span' })).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Ready',
        { selector: 'td span' },
        { timeout: INDEXING_POLL_MS + 2000 },
      ),
    ).toBeVisible();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    const after = requests;
    await sleep(INDEXING_POLL_MS + 500);
    expect(requests).toBe(after);
  }, 15_000);

  it('shows why a document failed and retries it', async () => {
    const failed: DocumentRead = {
      ...readyDocument,
      status: 'failed',
      progress: 0,
      attempts: 3,
      last_error: 'The PDF is encrypted',
      chunk_count: 0,
    };
    let reindexed = false;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () =>
        json(
          documentPage([reindexed ? { ...failed, status: 'queued', last_error: null } : failed]),
        ),
      ),
      http.post(`${KNOWLEDGE}/documents/${failed.id}/reindex`, () => {
        reindexed = true;
        return json({ ...failed, status: 'queued', last_error: null });
      }),
    );
    const { user } = renderApp(PAGE);

    expect(await screen.findByText(/The PDF is encrypted/)).toHaveTextContent('after 3 attempts');
    await user.click(screen.getByRole('button', { name: 'Retry Price list 2026' }));
    await waitFor(() => expect(reindexed).toBe(true));
    expect(await screen.findByText('Queued', { selector: 'td span' })).toBeInTheDocument();
    expect(screen.queryByText(/The PDF is encrypted/)).not.toBeInTheDocument();
    expect(await screen.findByText('Indexing again')).toBeInTheDocument();
  });

  it('deletes a document after confirming', async () => {
    let deleted = false;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage(deleted ? [] : [readyDocument]))),
      http.delete(`${KNOWLEDGE}/documents/${readyDocument.id}`, () => {
        deleted = true;
        return new Response(null, { status: 204 });
      }),
    );
    const { user } = renderApp(PAGE);
    await user.click(await screen.findByRole('button', { name: 'Delete Price list 2026' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete document?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('No documents yet')).toBeInTheDocument();
    expect(deleted).toBe(true);
  });

  it('searches and renders <mark> but no other HTML', async () => {
    let sent: SearchRequest | undefined;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument]))),
      http.post<PathParams, SearchRequest>(`${KNOWLEDGE}/search`, async ({ request }) => {
        sent = await request.json();
        return json(searchResponse);
      }),
    );
    const { user } = renderApp(PAGE);
    await screen.findByRole('button', { name: 'Delete Price list 2026' });

    await user.type(screen.getByLabelText('Search query'), 'business plan');
    await user.selectOptions(screen.getByLabelText('Search mode'), 'text');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(sent).toEqual({ query: 'business plan', mode: 'text', limit: 10 });
    expect(within(results).getByText('Plans › Business · pp. 2–3')).toBeInTheDocument();
    expect(within(results).getByText('100% relevant')).toBeInTheDocument();
    const mark = results.querySelector('mark');
    expect(mark).toHaveTextContent('business');
    expect(results.querySelector('b, img')).toBeNull();
    expect(results).toHaveTextContent('plan & <b>bold</b><img src=x onerror="alert(1)"> costs');
  });

  it('shows the numbers with a chart, and retries a recent failure from there', async () => {
    const failedId = '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    let retried = false;
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument]))),
      ...knowledgeDefaults({
        stats: knowledgeStats({
          documents_by_status: { ready: 1, failed: 1, embedding: 2 },
          total_documents: 4,
          total_tokens: 1_234_567,
          storage_bytes: 5 * 1024 ** 3,
          recent_failures: [
            {
              id: failedId,
              title: 'Scanned contract',
              last_error: 'No text layer: the PDF is a scan',
              attempts: 3,
              updated_at: '2026-03-02T10:05:00Z',
            },
          ],
        }),
      }),
      http.post(`${KNOWLEDGE}/documents/${failedId}/reindex`, () => {
        retried = true;
        return json({
          ...readyDocument,
          id: failedId,
          title: 'Scanned contract',
          status: 'queued',
        });
      }),
    );
    const { user } = renderApp(PAGE);

    const storage = (await screen.findByText('Storage')).closest('div')!;
    expect(within(storage).getByText('5.0 GB')).toBeInTheDocument();
    const tokens = screen.getByText('Tokens').closest('div')!;
    expect(within(tokens).getByText('1.2M')).toHaveAttribute('title', '1,234,567 tokens');
    expect(
      screen.getByRole('img', { name: /Documents by status: .*2 embedding, 1 ready, 1 failed/ }),
    ).toBeInTheDocument();

    const failures = screen.getByRole('region', { name: 'Recent failures' });
    expect(within(failures).getByText('No text layer: the PDF is a scan')).toBeInTheDocument();
    expect(within(failures).getByRole('link', { name: 'Scanned contract' })).toHaveAttribute(
      'href',
      `${PAGE}?document=${failedId}`,
    );
    await user.click(within(failures).getByRole('button', { name: 'Retry Scanned contract' }));
    await waitFor(() => expect(retried).toBe(true));
    expect(await screen.findByText('Indexing again')).toBeInTheDocument();
  });

  it('searches within collections and tags and links each hit to its document', async () => {
    let sent: SearchRequest | undefined;
    server.use(
      ...knowledgeDefaults({ collections: [pricingCollection] }),
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([readyDocument]))),
      http.post<PathParams, SearchRequest>(`${KNOWLEDGE}/search`, async ({ request }) => {
        sent = await request.json();
        return json(searchResponse);
      }),
    );
    const { user } = renderApp(PAGE);
    await screen.findByRole('button', { name: 'Delete Price list 2026' });

    const search = screen.getByRole('search');
    await user.type(within(search).getByLabelText('Search query'), 'business plan');
    await user.click(within(search).getByRole('button', { name: 'Filters' }));
    await user.click(within(search).getByRole('button', { name: 'Pricing' }));
    await user.type(within(search).getByLabelText('Only with any of these tags'), 'faq{Enter}');
    await user.selectOptions(within(search).getByLabelText('Number of results'), '20');
    await user.click(within(search).getByRole('button', { name: 'Search' }));

    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(sent).toEqual({
      query: 'business plan',
      mode: 'hybrid',
      limit: 20,
      collection_ids: [COLLECTION_ID],
      tags: ['faq'],
    });
    expect(within(results).getByText('#1 by words · #2 by meaning')).toBeInTheDocument();
    expect(within(results).getByRole('link', { name: 'Price list 2026' })).toHaveAttribute(
      'href',
      `${PAGE}?document=${readyDocument.id}`,
    );
  });

  it('lets a member look but not change anything', async () => {
    const base = knowledgeUrl(OTHER_TENANT_ID);
    server.use(
      ...knowledgeDefaults({ collections: [pricingCollection] }, OTHER_TENANT_ID),
      http.get(`${base}/documents`, () =>
        json(documentPage([{ ...readyDocument, status: 'failed', last_error: 'Broken' }])),
      ),
    );
    renderApp(`/manage/${OTHER_TENANT_ID}/knowledge-base`);

    expect(await screen.findByText(/You can look but not change/)).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Price list 2026' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Files to upload')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete|Retry|New collection/ })).toBeNull();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
  });
});
