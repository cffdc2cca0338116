import { useState } from 'react';

import type { ProviderRead } from '../../client';
import { useAiProviders, useDeleteAiProvider } from '../../api/useAiProviders';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ListSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { ProviderDialog } from './ProviderDialog';
import { ProviderTable } from './ProviderTable';

export interface ProvidersSectionProps {
  tenantId: string;
  canManage: boolean;
}

/** The providers card: list, add, edit and delete. */
export function ProvidersSection({ tenantId, canManage }: ProvidersSectionProps) {
  const providers = useAiProviders(tenantId);
  const remove = useDeleteAiProvider(tenantId);
  // undefined: closed; null: adding; a provider: editing it.
  const [editing, setEditing] = useState<ProviderRead | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<ProviderRead | null>(null);

  let body;
  if (providers.isPending) body = <ListSkeleton rows={2} label="Loading providers" />;
  else if (providers.isError) {
    body = <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />;
  } else if (providers.data.length === 0) {
    body = (
      <EmptyState title="No providers yet">
        Add OpenAI, OpenRouter or an OpenAI-compatible server (Ollama, vLLM, LM Studio…) with its
        key. Until then the offline responder answers.
      </EmptyState>
    );
  } else {
    body = (
      <ProviderTable
        providers={providers.data}
        canManage={canManage}
        onEdit={setEditing}
        onDelete={setDeleting}
      />
    );
  }

  return (
    <Card
      title="Providers"
      description="Where prompts are sent. Keys are stored encrypted and never shown again."
      actions={canManage ? <Button onClick={() => setEditing(null)}>Add provider</Button> : null}
    >
      {body}
      {editing !== undefined ? (
        <ProviderDialog
          key={editing?.id ?? 'new'}
          tenantId={tenantId}
          provider={editing}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'provider'}?`}
        message="Its key is destroyed. Agents and defaults that used it fall back to the workspace default (or the offline responder)."
        confirmLabel="Delete provider"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting, { onSettled: () => setDeleting(null) });
        }}
      />
    </Card>
  );
}
