import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  knowledgeGraphExtractDocument,
  knowledgeGraphGetEntity,
  knowledgeGraphGetExtraction,
  knowledgeGraphListEntities,
  type GraphExtractionRead,
  type KnowledgeGraphListEntitiesData,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type EntityListParams } from './keys';
import { INDEXING_POLL_MS } from './useKnowledge';

/** Queued and running extractions change on their own; ready, failed and none do not. */
export function isExtracting(extraction: Pick<GraphExtractionRead, 'status'>): boolean {
  return extraction.status === 'queued' || extraction.status === 'running';
}

/** The entity list's filters as the API's query: empty filters are left out, not sent empty. */
export function entityListQuery(params: EntityListParams): KnowledgeGraphListEntitiesData['query'] {
  return {
    limit: params.limit,
    offset: params.offset,
    ...(params.q ? { q: params.q } : {}),
    ...(params.type ? { type: params.type } : {}),
  };
}

/** One page of the entities the documents name, the most mentioned first. */
export function useEntities(tenantId: string, params: EntityListParams) {
  return useQuery({
    queryKey: queryKeys.knowledgeEntityList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await knowledgeGraphListEntities({
          path: { tenant_id: tenantId },
          query: entityListQuery(params),
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

/** One entity with the facts about it (both ways) and the documents and passages naming it. */
export function useEntity(tenantId: string, entityId: string) {
  return useQuery({
    queryKey: queryKeys.knowledgeEntity(tenantId, entityId),
    queryFn: async ({ signal }) =>
      (
        await knowledgeGraphGetEntity({
          path: { tenant_id: tenantId, entity_id: entityId },
          signal,
        })
      ).data,
    enabled: entityId !== '',
  });
}

/**
 * Where the document's graph extraction stands. Fetched again every {@link INDEXING_POLL_MS}
 * while it is queued or running, and while `follow` (the document itself is being indexed,
 * after which its extraction is queued). When a run ends, the entities are fetched again.
 */
export function useExtraction(tenantId: string, documentId: string, follow: boolean) {
  const queryClient = useQueryClient();
  const key = queryKeys.knowledgeExtraction(tenantId, documentId);
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const before = queryClient.getQueryData<GraphExtractionRead>(key);
      const { data } = await knowledgeGraphGetExtraction({
        path: { tenant_id: tenantId, document_id: documentId },
        signal,
      });
      if (before && isExtracting(before) && !isExtracting(data)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeEntities(tenantId) });
      }
      return data;
    },
    refetchInterval: (query) =>
      follow || (query.state.data && isExtracting(query.state.data)) ? INDEXING_POLL_MS : false,
  });
}

/**
 * Extracts the document's facts again from its current passages (they replace its old ones).
 * The API refuses (409) a document without indexed text and one being extracted: a toast.
 */
export function useExtractDocument(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (documentId: string) =>
      (
        await knowledgeGraphExtractDocument({
          path: { tenant_id: tenantId, document_id: documentId },
        })
      ).data,
    onSuccess: (extraction) => {
      queryClient.setQueryData(
        queryKeys.knowledgeExtraction(tenantId, extraction.document_id),
        extraction,
      );
      toast.success('Extracting facts again', extraction.document_title);
    },
  });
}
