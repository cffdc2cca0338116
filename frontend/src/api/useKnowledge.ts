import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  knowledgeAddTextDocument,
  knowledgeDeleteDocument,
  knowledgeListDocuments,
  knowledgeReindexDocument,
  knowledgeSearchKnowledge,
  knowledgeUploadDocument,
  type DocumentRead,
  type DocumentStatus,
  type SearchRequest,
  type TextDocumentCreate,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type DocumentListParams } from './keys';

/** How often the list is refreshed while a document on it is still being indexed. */
export const INDEXING_POLL_MS = 2_000;

/** Ready and failed documents do not change on their own; every other status does. */
export function isIndexing(document: DocumentRead): boolean {
  return document.status !== 'ready' && document.status !== 'failed';
}

/**
 * One page of documents; `q` searches titles, `status` keeps one status. While any document on
 * the page is being indexed the page is fetched again every {@link INDEXING_POLL_MS}.
 */
export function useDocuments(tenantId: string, params: DocumentListParams) {
  return useQuery({
    queryKey: queryKeys.knowledgeDocumentList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await knowledgeListDocuments({
          path: { tenant_id: tenantId },
          query: {
            limit: params.limit,
            offset: params.offset,
            ...(params.q ? { q: params.q } : {}),
            ...(params.status ? { status: params.status as DocumentStatus } : {}),
          },
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some(isIndexing) ? INDEXING_POLL_MS : false,
  });
}

function useRefreshDocuments(tenantId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeDocuments(tenantId) });
}

export interface UploadInput {
  file: File;
  title?: string;
  tags?: string[];
}

/** Uploads one file; the caller shows each file's outcome (duplicate, too large, bad type). */
export function useUploadDocument(tenantId: string) {
  const refresh = useRefreshDocuments(tenantId);
  return useMutation({
    mutationFn: async ({ file, title, tags }: UploadInput) =>
      (
        await knowledgeUploadDocument({
          path: { tenant_id: tenantId },
          body: { file, ...(title ? { title } : {}), ...(tags?.length ? { tags } : {}) },
        })
      ).data,
    meta: { inlineErrors: 'all' },
    onSuccess: () => refresh(),
  });
}

/** Pasted text as a document; the dialog shows field errors. */
export function useAddTextDocument(tenantId: string) {
  const refresh = useRefreshDocuments(tenantId);
  return useMutation({
    mutationFn: async (body: TextDocumentCreate) =>
      (await knowledgeAddTextDocument({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'all' },
    onSuccess: async (document) => {
      toast.success('Text added', `${document.title} is being indexed.`);
      await refresh();
    },
  });
}

export function useDeleteDocument(tenantId: string) {
  const refresh = useRefreshDocuments(tenantId);
  return useMutation({
    mutationFn: async (document: DocumentRead) => {
      await knowledgeDeleteDocument({ path: { tenant_id: tenantId, document_id: document.id } });
      return document;
    },
    onSuccess: async (document) => {
      toast.success('Document deleted', document.title);
      await refresh();
    },
  });
}

/** Indexes a document again (the Retry of a failed one). */
export function useReindexDocument(tenantId: string) {
  const refresh = useRefreshDocuments(tenantId);
  return useMutation({
    mutationFn: async (document: DocumentRead) =>
      (
        await knowledgeReindexDocument({
          path: { tenant_id: tenantId, document_id: document.id },
        })
      ).data,
    onSuccess: async (document) => {
      toast.success('Indexing again', document.title);
      await refresh();
    },
  });
}

/** A search over the ready documents; the panel shows its own errors. */
export function useKnowledgeSearch(tenantId: string) {
  return useMutation({
    mutationFn: async (body: SearchRequest) =>
      (await knowledgeSearchKnowledge({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'all' },
  });
}
