import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';

import { INDEXING_POLL_MS } from '../../api/useKnowledge';
import type { DocumentRead, SearchRequest } from '../../client';
import { TENANT_ID } from '../../test/fixtures';
import { documentPage, readyDocument, searchResponse } from '../../test/knowledgeFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, problemResponse, server } from '../../test/server';

const KNOWLEDGE = api(`/api/v1/tenants/${TENANT_ID}/knowledge`);
const PAGE = `/w/${TENANT_ID}/knowledge`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KnowledgePage', () => {
  it('explains the supported formats when there are no documents', async () => {
    server.use(http.get(`${KNOWLEDGE}/documents`, () => json(documentPage([]))));
    renderApp(PAGE);
    expect(await screen.findByText('No documents yet')).toBeInTheDocument();
    expect(screen.getByText(/PDF, DOCX, HTML, Markdown, plain text and CSV files/)).toBeVisible();
    expect(screen.getByRole('link', { name: 'Knowledge' })).toHaveAttribute('aria-current', 'page');
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
    server.use(
      http.get(`${KNOWLEDGE}/documents`, () => json(documentPage(listed))),
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
    expect(within(uploads).getByText('Uploaded, indexing queued')).toBeInTheDocument();
    expect(await within(uploads).findByRole('alert')).toHaveTextContent(
      `Already uploaded: duplicate of document ${queued.id}`,
    );
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
      http.post(`${KNOWLEDGE}/search`, async ({ request }) => {
        sent = (await request.json()) as SearchRequest;
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
    expect(within(results).getByText('0.812')).toBeInTheDocument();
    const mark = results.querySelector('mark');
    expect(mark).toHaveTextContent('business');
    expect(results.querySelector('b, img')).toBeNull();
    expect(results).toHaveTextContent('plan & <b>bold</b><img src=x onerror="alert(1)"> costs');
  });
});
