/** The knowledge API's read routes with quiet defaults; a test overrides what it is about. */
import { http } from 'msw';

import type {
  CollectionRead,
  DocumentRead,
  KnowledgeIndexRead,
  KnowledgeStats,
  PageEntityRead,
} from '../client';
import { TENANT_ID } from './fixtures';
import {
  documentPage,
  entityPage,
  extraction,
  knowledgeIndex,
  knowledgeStats,
} from './knowledgeFixtures';
import { api, json, server } from './server';

export const knowledgeUrl = (tenantId = TENANT_ID) => api(`/api/v1/tenants/${tenantId}/knowledge`);

export function knowledgeDefaults(
  {
    collections = [],
    stats = knowledgeStats(),
    index = knowledgeIndex(),
    entities = entityPage([]),
  }: {
    collections?: CollectionRead[];
    stats?: KnowledgeStats;
    index?: KnowledgeIndexRead;
    entities?: PageEntityRead;
  } = {},
  tenantId = TENANT_ID,
) {
  const base = knowledgeUrl(tenantId);
  return [
    http.get(`${base}/collections`, () => json(collections)),
    http.get(`${base}/stats`, () => json(stats)),
    http.get(`${base}/index`, () => json(index)),
    http.get(`${base}/graph/entities`, () => json(entities)),
    // Any document's graph extraction: done, with a few facts.
    http.get(`${base}/graph/documents/:documentId`, ({ params }) =>
      json(extraction({ document_id: String(params.documentId) })),
    ),
  ];
}

/** The query of every documents list request, in order. */
export function recordListQueries(pages: (url: URL) => DocumentRead[]) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${knowledgeUrl()}/documents`, ({ request }) => {
      const url = new URL(request.url);
      queries.push(url.searchParams);
      return json(documentPage(pages(url)));
    }),
  );
  return queries;
}
