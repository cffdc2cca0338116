import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  knowledgeAddTextDocument,
  knowledgeAddUrlDocument,
  knowledgeDeleteDocument,
  knowledgeGetDocument,
  knowledgeListDocuments,
  knowledgeReindexDocument,
  knowledgeSearchKnowledge,
  knowledgeUpdateDocument,
  knowledgeUploadDocument,
  type DocumentRead,
  type DocumentUpdate,
  type KnowledgeListDocumentsData,
  type SearchRequest,
  type TextDocumentCreate,
  type UrlDocumentCreate,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type DocumentListParams } from './keys';
import { errorMessage } from './problem';

/** How often documents are fetched again while one of them is still being indexed. */
export const INDEXING_POLL_MS = 2_000;

/** Ready and failed documents do not change on their own; every other status does. */
export function isIndexing(document: Pick<DocumentRead, 'status'>): boolean {
  return document.status !== 'ready' && document.status !== 'failed';
}

/** The list's filters as the API's query: empty filters are left out, not sent empty. */
export function documentListQuery(params: DocumentListParams): KnowledgeListDocumentsData['query'] {
  return {
    limit: params.limit,
    offset: params.offset,
    ...(params.q ? { q: params.q } : {}),
    ...(params.status ? { status: params.status } : {}),
    ...(params.collection ? { collection_id: params.collection } : {}),
    ...(params.tag ? { tag: params.tag } : {}),
  };
}

/**
 * One page of documents, filtered by title, status, collection and tag. While any document on
 * the page is being indexed the page is fetched again every {@link INDEXING_POLL_MS}.
 */
export function useDocuments(tenantId: string, params: DocumentListParams) {
  return useQuery({
    queryKey: queryKeys.knowledgeDocumentList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await knowledgeListDocuments({
          path: { tenant_id: tenantId },
          query: documentListQuery(params),
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some(isIndexing) ? INDEXING_POLL_MS : false,
  });
}

/** One document; fetched again every {@link INDEXING_POLL_MS} while it is being indexed. */
export function useDocument(tenantId: string, documentId: string) {
  return useQuery({
    queryKey: queryKeys.knowledgeDocument(tenantId, documentId),
    queryFn: async ({ signal }) =>
      (
        await knowledgeGetDocument({
          path: { tenant_id: tenantId, document_id: documentId },
          signal,
        })
      ).data,
    refetchInterval: (query) =>
      query.state.data && isIndexing(query.state.data) ? INDEXING_POLL_MS : false,
  });
}

/**
 * Marks everything the knowledge page shows as stale (lists, collections' counts, stats,
 * chunks): a document change moves numbers in all of them.
 */
export function useRefreshKnowledge(tenantId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.knowledge(tenantId) });
}

/** Stores a changed document in the cache, then refreshes the rest of the knowledge page. */
function useStoreDocument(tenantId: string) {
  const queryClient = useQueryClient();
  const refresh = useRefreshKnowledge(tenantId);
  return async (document: DocumentRead) => {
    queryClient.setQueryData(queryKeys.knowledgeDocument(tenantId, document.id), document);
    await refresh();
  };
}

export interface UploadInput {
  file: File;
  title?: string;
  tags?: string[];
  collectionId?: string;
}

/** Uploads one file; the caller shows each file's outcome (duplicate, too large, bad type). */
export function useUploadDocument(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async ({ file, title, tags, collectionId }: UploadInput) =>
      (
        await knowledgeUploadDocument({
          path: { tenant_id: tenantId },
          body: {
            file,
            ...(title ? { title } : {}),
            ...(tags?.length ? { tags } : {}),
            ...(collectionId ? { collection_id: collectionId } : {}),
          },
        })
      ).data,
    meta: { inlineErrors: 'all' },
    onSuccess: () => refresh(),
  });
}

/** Pasted text as a document; the dialog shows field errors. */
export function useAddTextDocument(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
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

/** A web page by URL, fetched by the worker; the dialog shows field errors. */
export function useAddUrlDocument(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async (body: UrlDocumentCreate) =>
      (await knowledgeAddUrlDocument({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'all' },
    onSuccess: async (document) => {
      toast.success('Web page added', `${document.title} is being fetched and indexed.`);
      await refresh();
    },
  });
}

/** Title, tags or collection; only the fields in `body` change. The form shows field errors. */
export function useUpdateDocument(tenantId: string) {
  const store = useStoreDocument(tenantId);
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: DocumentUpdate }) =>
      (
        await knowledgeUpdateDocument({
          path: { tenant_id: tenantId, document_id: id },
          body,
        })
      ).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (document) => {
      toast.success('Document saved', document.title);
      await store(document);
    },
  });
}

export interface MoveInput {
  documents: readonly Pick<DocumentRead, 'id' | 'title'>[];
  /** null: out of any collection. */
  collectionId: string | null;
  /** The destination's name, for the toast. */
  destination: string;
}

/**
 * Moves documents into a collection (or out of any), one PATCH each. Every document is tried;
 * the toast says how many moved and why the others did not.
 */
export function useMoveDocuments(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async ({ documents, collectionId }: MoveInput) => {
      const results = await Promise.allSettled(
        documents.map((document) =>
          knowledgeUpdateDocument({
            path: { tenant_id: tenantId, document_id: document.id },
            body: { collection_id: collectionId },
          }),
        ),
      );
      const failures = results.flatMap((result) =>
        result.status === 'rejected' ? [errorMessage(result.reason)] : [],
      );
      return { moved: results.length - failures.length, failures };
    },
    onSuccess: async ({ moved, failures }, { destination }) => {
      if (moved > 0) {
        toast.success(`Moved ${moved} ${moved === 1 ? 'document' : 'documents'}`, destination);
      }
      if (failures.length > 0) {
        toast.error(
          `${failures.length} ${failures.length === 1 ? 'document was' : 'documents were'} not moved`,
          [...new Set(failures)].join('; '),
        );
      }
      await refresh();
    },
  });
}

export function useDeleteDocument(tenantId: string) {
  const queryClient = useQueryClient();
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async (document: Pick<DocumentRead, 'id' | 'title'>) => {
      await knowledgeDeleteDocument({ path: { tenant_id: tenantId, document_id: document.id } });
      return document;
    },
    onSuccess: async (document) => {
      toast.success('Document deleted', document.title);
      queryClient.removeQueries({ queryKey: queryKeys.knowledgeDocument(tenantId, document.id) });
      await refresh();
    },
  });
}

/** Indexes a document again (the Retry of a failed one); its chunks serve until replaced. */
export function useReindexDocument(tenantId: string) {
  const store = useStoreDocument(tenantId);
  return useMutation({
    mutationFn: async (document: Pick<DocumentRead, 'id' | 'title'>) =>
      (
        await knowledgeReindexDocument({
          path: { tenant_id: tenantId, document_id: document.id },
        })
      ).data,
    onSuccess: async (document) => {
      toast.success('Indexing again', document.title);
      await store(document);
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
