/** The knowledge API's read routes with quiet defaults; a test overrides what it is about. */
import { http } from 'msw';

import type { CollectionRead, KnowledgeStats } from '../client';
import { TENANT_ID } from './fixtures';
import { knowledgeStats } from './knowledgeFixtures';
import { api, json } from './server';

export const knowledgeUrl = (tenantId = TENANT_ID) => api(`/api/v1/tenants/${tenantId}/knowledge`);

export function knowledgeDefaults(
  {
    collections = [],
    stats = knowledgeStats(),
  }: { collections?: CollectionRead[]; stats?: KnowledgeStats } = {},
  tenantId = TENANT_ID,
) {
  const base = knowledgeUrl(tenantId);
  return [
    http.get(`${base}/collections`, () => json(collections)),
    http.get(`${base}/stats`, () => json(stats)),
  ];
}
