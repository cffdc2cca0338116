import { useState } from 'react';

import { useKommoStatus } from '../../../api/useKommo';
import type { DisconnectResult, KommoStatus } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Card } from '../../../components/Card';
import { FormSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { ConnectionDetails } from './ConnectionDetails';
import { ConnectPanel } from './ConnectPanel';
import { DisconnectKommoButton } from './DisconnectKommoButton';
import { CONNECTION_STATES } from './labels';

function Notice({
  tone,
  title,
  children,
  onDismiss,
}: {
  tone: 'warning' | 'danger';
  title: string;
  children?: React.ReactNode;
  onDismiss?: () => void;
}) {
  const colours =
    tone === 'danger'
      ? 'border-danger/40 bg-danger-soft text-danger-strong'
      : 'border-warning/40 bg-warning-soft text-warning-strong';
  return (
    <div role="alert" className={`mb-5 rounded-control border px-4 py-3 text-sm ${colours}`}>
      <div className="flex items-start justify-between gap-3">
        <p className="font-semibold">{title}</p>
        {onDismiss ? (
          <button
            type="button"
            onClick={onDismiss}
            className="text-xs font-medium underline hover:no-underline"
          >
            Dismiss
          </button>
        ) : null}
      </div>
      {children ? <div className="mt-1">{children}</div> : null}
    </div>
  );
}

function accountName(status: KommoStatus): string {
  return status.subdomain ?? status.base_url ?? 'the Kommo account';
}

function ConnectionBody({
  tenantId,
  status,
  canManage,
  onDisconnected,
}: {
  tenantId: string;
  status: KommoStatus;
  canManage: boolean;
  onDisconnected: (result: DisconnectResult) => void;
}) {
  if (status.state === 'not_connected') {
    return canManage ? (
      <ConnectPanel tenantId={tenantId} status={status} />
    ) : (
      <p className="text-sm text-ink-muted">
        Kommo is not connected yet. An owner or admin of the workspace can connect it here.
      </p>
    );
  }
  const reconnect = status.state === 'reconnect_required';
  return (
    <>
      {reconnect ? (
        <Notice tone="danger" title="Kommo needs to be connected again">
          <p>
            Agents cannot read or answer in <strong>{accountName(status)}</strong> until someone
            signs in again.{status.last_error ? ` ${status.last_error}` : ''}
          </p>
        </Notice>
      ) : status.last_error ? (
        <Notice tone="warning" title="Kommo is connected, with a problem">
          <p>{status.last_error}</p>
        </Notice>
      ) : null}
      <ConnectionDetails status={status} showWebhookUrl={canManage} />
      {canManage ? (
        <div className="mt-6 space-y-5 border-t border-surface-border pt-5">
          {reconnect ? <ConnectPanel tenantId={tenantId} status={status} reconnect /> : null}
          <DisconnectKommoButton
            tenantId={tenantId}
            account={accountName(status)}
            onDisconnected={onDisconnected}
          />
        </div>
      ) : null}
    </>
  );
}

/** The workspace's Kommo account: its state (kept fresh while the page is open) and actions. */
export function KommoCard({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const status = useKommoStatus(tenantId);
  const [leftBehind, setLeftBehind] = useState<string | null>(null);
  const state = status.data ? CONNECTION_STATES[status.data.state] : null;
  return (
    <Card
      title="Kommo"
      description="Your CRM: agents answer leads and chats in the connected account."
      actions={state ? <Badge tone={state.tone}>{state.label}</Badge> : null}
    >
      {leftBehind ? (
        <Notice
          tone="warning"
          title="Disconnected, but our webhooks are still in Kommo"
          onDismiss={() => setLeftBehind(null)}
        >
          <p>{leftBehind}</p>
        </Notice>
      ) : null}
      {status.isPending ? (
        <FormSkeleton fields={3} />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <ConnectionBody
          tenantId={tenantId}
          status={status.data}
          canManage={canManage}
          onDisconnected={(result) => setLeftBehind(result.webhook_error ?? null)}
        />
      )}
    </Card>
  );
}
