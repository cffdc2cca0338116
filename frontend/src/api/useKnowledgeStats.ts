import { useQuery } from '@tanstack/react-query';

import { knowledgeKnowledgeStats, type KnowledgeStats } from '../client';
import { queryKeys } from './keys';
import { INDEXING_POLL_MS } from './useKnowledge';

const INDEXING_STATUSES = ['queued', 'parsing', 'chunking', 'embedding'] as const;

/** How many documents are queued or being indexed. */
export function indexingCount(stats: Pick<KnowledgeStats, 'documents_by_status'>): number {
  return INDEXING_STATUSES.reduce(
    (sum, status) => sum + (stats.documents_by_status[status] ?? 0),
    0,
  );
}

/**
 * Documents by status, totals, storage, the last indexing and the latest failures. Fetched
 * again every {@link INDEXING_POLL_MS} while documents are being indexed.
 */
export function useKnowledgeStats(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.knowledgeStats(tenantId),
    queryFn: async ({ signal }) =>
      (await knowledgeKnowledgeStats({ path: { tenant_id: tenantId }, signal })).data,
    refetchInterval: (query) =>
      query.state.data && indexingCount(query.state.data) > 0 ? INDEXING_POLL_MS : false,
  });
}
