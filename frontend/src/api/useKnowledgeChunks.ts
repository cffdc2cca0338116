import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  knowledgeListChunks,
  knowledgeUpdateChunk,
  type ChunkRead,
  type DocumentRead,
  type PageChunkRead,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type PageParams } from './keys';
import { useRefreshKnowledge } from './useKnowledge';

/**
 * One page of a document's chunks in order. Keyed by the document's last indexing, so the
 * chunks a new indexing writes are fetched as soon as the document says it is done.
 */
export function useChunks(
  tenantId: string,
  document: Pick<DocumentRead, 'id' | 'indexed_at'>,
  page: PageParams,
) {
  return useQuery({
    queryKey: queryKeys.knowledgeChunks(tenantId, document.id, document.indexed_at, page),
    queryFn: async ({ signal }) =>
      (
        await knowledgeListChunks({
          path: { tenant_id: tenantId, document_id: document.id },
          query: page,
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

/**
 * Corrects a chunk's text. The API embeds it again before it answers, so once this succeeds
 * search finds the chunk by its new words. The editor shows field errors and the 409 of a
 * document that is being indexed.
 */
export function useUpdateChunk(tenantId: string) {
  const queryClient = useQueryClient();
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async ({ chunk, text }: { chunk: ChunkRead; text: string }) =>
      (
        await knowledgeUpdateChunk({
          path: { tenant_id: tenantId, document_id: chunk.document_id, chunk_id: chunk.id },
          body: { text },
        })
      ).data,
    meta: { inlineErrors: 'all' },
    onSuccess: async (chunk) => {
      // The new text is shown at once; the refresh then brings the document's new token total.
      queryClient.setQueriesData<PageChunkRead>(
        { queryKey: queryKeys.knowledgeDocumentChunks(tenantId, chunk.document_id) },
        (page) =>
          page && { ...page, items: page.items.map((c) => (c.id === chunk.id ? chunk : c)) },
      );
      toast.success(
        `Passage ${chunk.index + 1} saved`,
        'It was embedded again; search finds it by its new words.',
      );
      await refresh();
    },
  });
}
