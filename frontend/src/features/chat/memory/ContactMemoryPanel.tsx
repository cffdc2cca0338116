import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import { useContact, useForgetContact, useMemories } from '../../../api/useContacts';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ListSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { paths } from '../../../paths';
import { AddMemoryForm } from './AddMemoryForm';
import { MemoryRow } from './MemoryRow';

export interface ContactMemoryPanelProps {
  tenantId: string;
  contactId: string;
  /** Owners and admins correct and forget contacts. */
  canEdit: boolean;
}

/**
 * Who the conversation is with and what the agents remember about them, each memory with where
 * it came from; owners and admins correct, add and delete memories, or forget the contact.
 */
export function ContactMemoryPanel({ tenantId, contactId, canEdit }: ContactMemoryPanelProps) {
  const navigate = useNavigate();
  const contact = useContact(tenantId, contactId);
  const memories = useMemories(tenantId, contactId);
  const forget = useForgetContact(tenantId);
  const [confirming, setConfirming] = useState(false);
  const name = contact.data?.name || 'This contact';

  return (
    <Card
      title={contact.data ? name : 'Contact'}
      description={
        contact.data
          ? [
              contact.data.email,
              contact.data.phone,
              ...contact.data.external_ids.map((id) => `${id.system}: ${id.external_id}`),
            ]
              .filter(Boolean)
              .join(' · ') || 'No e-mail, phone or external id'
          : undefined
      }
      actions={
        canEdit ? (
          <Button variant="danger" size="sm" onClick={() => setConfirming(true)}>
            Forget contact
          </Button>
        ) : null
      }
    >
      <h3 className="text-sm font-semibold text-ink">Memory</h3>
      {memories.isPending ? (
        <ListSkeleton rows={2} label="Loading memories" />
      ) : memories.isError ? (
        <ErrorState error={memories.error} onRetry={() => void memories.refetch()} />
      ) : memories.data.length === 0 ? (
        <p className="py-2 text-sm text-ink-muted">
          Nothing remembered yet: facts the contact gives (city, budget, needs…) appear here.
        </p>
      ) : (
        <ul aria-label="Memories" className="divide-y divide-surface-border">
          {memories.data.map((memory) => (
            <MemoryRow key={memory.id} tenantId={tenantId} memory={memory} canEdit={canEdit} />
          ))}
        </ul>
      )}
      {canEdit ? (
        <div className="mt-4 border-t border-surface-border pt-4">
          <AddMemoryForm tenantId={tenantId} contactId={contactId} />
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Forget ${name}?`}
        message="The contact is deleted with all their conversations, messages and memories. This cannot be undone."
        confirmLabel="Forget contact"
        busy={forget.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          forget.mutate(contactId, {
            onSuccess: () => void navigate(paths.conversations(tenantId)),
            onSettled: () => setConfirming(false),
          })
        }
      />
    </Card>
  );
}
