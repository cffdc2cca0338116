import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  knowledgeCreateCollection,
  knowledgeDeleteCollection,
  knowledgeListCollections,
  knowledgeReindexCollection,
  knowledgeUpdateCollection,
  type CollectionCreate,
  type CollectionRead,
  type CollectionUpdate,
  type ReindexQueued,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';
import { useRefreshKnowledge } from './useKnowledge';

/** Every collection of the workspace by name, each with how many documents it holds. */
export function useCollections(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.knowledgeCollections(tenantId),
    queryFn: async ({ signal }) =>
      (await knowledgeListCollections({ path: { tenant_id: tenantId }, signal })).data,
  });
}

/** Stores the new or renamed collection in the list at once, then refreshes it. */
function useStoreCollection(tenantId: string) {
  const queryClient = useQueryClient();
  return async (collection: CollectionRead) => {
    queryClient.setQueryData<CollectionRead[]>(queryKeys.knowledgeCollections(tenantId), (list) =>
      list
        ? [...list.filter((c) => c.id !== collection.id), collection].sort((a, b) =>
            a.name.localeCompare(b.name),
          )
        : list,
    );
    await queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeCollections(tenantId) });
  };
}

/** Names are unique in the workspace; the dialog shows the 409 next to the name. */
export function useCreateCollection(tenantId: string) {
  const store = useStoreCollection(tenantId);
  return useMutation({
    mutationFn: async (body: CollectionCreate) =>
      (await knowledgeCreateCollection({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (collection) => {
      toast.success('Collection created', collection.name);
      await store(collection);
    },
  });
}

/** Renames or describes a collection; only the fields in `body` change. */
export function useUpdateCollection(tenantId: string) {
  const store = useStoreCollection(tenantId);
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: CollectionUpdate }) =>
      (
        await knowledgeUpdateCollection({
          path: { tenant_id: tenantId, collection_id: id },
          body,
        })
      ).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (collection) => {
      toast.success('Collection saved', collection.name);
      await store(collection);
    },
  });
}

/** Deletes the collection; its documents stay, outside any collection. */
export function useDeleteCollection(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async (collection: CollectionRead) => {
      await knowledgeDeleteCollection({
        path: { tenant_id: tenantId, collection_id: collection.id },
      });
      return collection;
    },
    onSuccess: async (collection) => {
      toast.success(
        'Collection deleted',
        collection.document_count > 0
          ? `${collection.name}: its documents are kept, outside any collection.`
          : collection.name,
      );
      await refresh();
    },
  });
}

/** What a collection's reindex did, in words: how many documents were queued, and left alone. */
export function reindexSummary({ queued, busy }: ReindexQueued): string {
  const documents = (n: number) => (n === 1 ? '1 document' : `${n.toLocaleString()} documents`);
  if (queued === 0 && busy === 0) return 'The collection has no documents.';
  const parts = [
    queued > 0
      ? `${documents(queued)} queued; ${queued === 1 ? 'its' : 'their'} current passages serve until replaced.`
      : 'Nothing was queued.',
    busy > 0
      ? `${documents(busy)} ${busy === 1 ? 'was' : 'were'} being indexed already and left alone.`
      : null,
  ];
  return parts.filter(Boolean).join(' ');
}

/**
 * Indexes every ready or failed document of the collection again; documents being indexed are
 * left alone. The toast reports both counts.
 */
export function useReindexCollection(tenantId: string) {
  const refresh = useRefreshKnowledge(tenantId);
  return useMutation({
    mutationFn: async (collection: Pick<CollectionRead, 'id' | 'name'>) =>
      (
        await knowledgeReindexCollection({
          path: { tenant_id: tenantId, collection_id: collection.id },
        })
      ).data,
    onSuccess: async (result, collection) => {
      toast.success(`Reindexing ${collection.name}`, reindexSummary(result));
      await refresh();
    },
  });
}
