import { useState } from 'react';

import type { ApiKeyRead } from '../../client';
import type { PageParams } from '../../api/keys';
import { useApiKeys, useRevokeApiKey } from '../../api/useApiKeys';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Pager } from '../../components/Pager';
import { ListSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { TableScroll } from '../../components/TableScroll';
import { ApiKeyRow } from './ApiKeyRow';

const PAGE_SIZE = 50;

export interface ApiKeyTableProps {
  tenantId: string;
  canManage: boolean;
}

/** Every key with its prefix, scopes, last use and state; revoked keys stay listed. */
export function ApiKeyTable({ tenantId, canManage }: ApiKeyTableProps) {
  const [page, setPage] = useState<PageParams>({ limit: PAGE_SIZE, offset: 0 });
  const apiKeys = useApiKeys(tenantId, page);
  const revoke = useRevokeApiKey(tenantId);
  const [revoking, setRevoking] = useState<ApiKeyRead | null>(null);

  if (apiKeys.isPending) return <ListSkeleton rows={3} label="Loading API keys" />;
  if (apiKeys.isError) {
    return <ErrorState error={apiKeys.error} onRetry={() => void apiKeys.refetch()} />;
  }
  if (apiKeys.data.items.length === 0) {
    return (
      <EmptyState title="No API keys yet">
        Integrations (your own scripts, Zapier, Make) call the API with a key. Create one when you
        need it.
      </EmptyState>
    );
  }
  return (
    <>
      <TableScroll>
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-ink-muted uppercase">
            <tr>
              <th className="pb-2 font-medium">Key</th>
              <th className="pb-2 font-medium">Scopes</th>
              <th className="pb-2 font-medium">Last used</th>
              <th className="pb-2 font-medium">Status</th>
              <th className="pb-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-surface-border">
            {apiKeys.data.items.map((apiKey) => (
              <ApiKeyRow
                key={apiKey.id}
                apiKey={apiKey}
                canManage={canManage}
                onRevoke={() => setRevoking(apiKey)}
              />
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager page={page} total={apiKeys.data.total} onChange={setPage} noun="keys" />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key?"
        message={`Anything using “${revoking?.name ?? ''}” (${revoking?.prefix ?? ''}…) gets 401 from now on. This cannot be undone.`}
        confirmLabel="Revoke key"
        busy={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking, { onSettled: () => setRevoking(null) });
        }}
      />
    </>
  );
}
