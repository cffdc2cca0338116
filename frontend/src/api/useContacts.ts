import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  chatAddMemory,
  chatDeleteContact,
  chatDeleteMemory,
  chatGetContact,
  chatListMemories,
  chatUpdateMemory,
  type MemoryCreate,
  type MemoryRead,
  type MemoryUpdate,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

export function useContact(tenantId: string, contactId: string) {
  return useQuery({
    queryKey: queryKeys.contact(tenantId, contactId),
    queryFn: async ({ signal }) =>
      (await chatGetContact({ path: { tenant_id: tenantId, contact_id: contactId }, signal })).data,
  });
}

/** What the agents remember about the contact, most important first (active facts only). */
export function useMemories(tenantId: string, contactId: string) {
  return useQuery({
    queryKey: queryKeys.memories(tenantId, contactId),
    queryFn: async ({ signal }) =>
      (await chatListMemories({ path: { tenant_id: tenantId, contact_id: contactId }, signal }))
        .data,
  });
}

function useRefreshMemories(tenantId: string, contactId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.memories(tenantId, contactId) });
}

export function useAddMemory(tenantId: string, contactId: string) {
  const refresh = useRefreshMemories(tenantId, contactId);
  return useMutation({
    mutationFn: async (body: MemoryCreate) =>
      (await chatAddMemory({ path: { tenant_id: tenantId, contact_id: contactId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async () => {
      toast.success('Memory added');
      await refresh();
    },
  });
}

export function useUpdateMemory(tenantId: string, contactId: string) {
  const refresh = useRefreshMemories(tenantId, contactId);
  return useMutation({
    mutationFn: async ({ memory, body }: { memory: MemoryRead; body: MemoryUpdate }) =>
      (
        await chatUpdateMemory({
          path: { tenant_id: tenantId, contact_id: contactId, memory_id: memory.id },
          body,
        })
      ).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async () => {
      toast.success('Memory corrected');
      await refresh();
    },
  });
}

export function useDeleteMemory(tenantId: string, contactId: string) {
  const refresh = useRefreshMemories(tenantId, contactId);
  return useMutation({
    mutationFn: async (memory: MemoryRead) => {
      await chatDeleteMemory({
        path: { tenant_id: tenantId, contact_id: contactId, memory_id: memory.id },
      });
    },
    onSuccess: async () => {
      toast.success('Memory deleted');
      await refresh();
    },
  });
}

/** Forgets the contact: its conversations, messages and memories go with it. */
export function useForgetContact(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (contactId: string) => {
      await chatDeleteContact({ path: { tenant_id: tenantId, contact_id: contactId } });
    },
    onSuccess: async () => {
      toast.success('Contact forgotten', 'Their conversations and memories are deleted.');
      await queryClient.invalidateQueries({ queryKey: queryKeys.conversations(tenantId) });
    },
  });
}
