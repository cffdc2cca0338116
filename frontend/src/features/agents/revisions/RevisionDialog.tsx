import { useState } from 'react';

import type { AgentRead } from '../../../client';
import { useAgentRevision } from '../../../api/useAgentRevisions';
import { useAiProviders } from '../../../api/useAiProviders';
import { Button } from '../../../components/Button';
import { Dialog } from '../../../components/Dialog';
import { ListSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { formatDateTime } from '../../../lib/format';
import { CONFIG_FIELD_NAMES, fieldLabel } from '../labels';
import { configOf, describeValue, differingFields } from './configValue';

export interface RevisionDialogProps {
  tenantId: string;
  agent: AgentRead;
  version: number | null;
  actorName: (actor: string) => string;
  canRestore: boolean;
  onRestore: (version: number) => void;
  onClose: () => void;
}

/** A version's settings next to the current ones: what restoring it would change. */
export function RevisionDialog({
  tenantId,
  agent,
  version,
  actorName,
  canRestore,
  onRestore,
  onClose,
}: RevisionDialogProps) {
  const revision = useAgentRevision(tenantId, agent.id, version);
  const providers = useAiProviders(tenantId);
  const [showAll, setShowAll] = useState(false);
  const current = configOf(agent);
  const isCurrent = version === agent.version;

  let body;
  if (revision.isPending) body = <ListSkeleton rows={4} label="Loading the version" />;
  else if (revision.isError) {
    body = <ErrorState error={revision.error} onRetry={() => void revision.refetch()} />;
  } else {
    const old = configOf(agent, revision.data.snapshot);
    const differing = differingFields(old, current);
    const fields = showAll ? CONFIG_FIELD_NAMES : differing;
    body = (
      <div className="space-y-4">
        <p className="text-sm text-ink-muted">
          By {actorName(revision.data.actor)} on {formatDateTime(revision.data.created_at)}.
          {isCurrent ? ' This is the current version.' : null}
        </p>
        {differing.length === 0 ? (
          <p className="rounded-control bg-surface-sunken px-3 py-2 text-sm text-ink-muted">
            Its settings are the same as the current ones.
          </p>
        ) : (
          <p className="text-sm text-ink">
            {differing.length} setting{differing.length === 1 ? '' : 's'} differ from the current
            version: {differing.map(fieldLabel).join(', ')}.
          </p>
        )}
        {fields.length > 0 ? (
          <table className="w-full table-fixed text-left text-sm">
            <thead className="text-xs text-ink-muted uppercase">
              <tr>
                <th className="w-36 pb-2 font-medium">Setting</th>
                <th className="pb-2 font-medium">Version {revision.data.version}</th>
                <th className="pb-2 font-medium">Current</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-surface-border align-top">
              {fields.map((field) => {
                const changed = differing.includes(field);
                const cell = `py-2 pr-3 font-sans text-xs break-words whitespace-pre-wrap ${
                  changed ? '' : 'text-ink-muted'
                }`;
                return (
                  <tr key={field} data-changed={changed || undefined}>
                    <th scope="row" className="py-2 pr-3 text-xs font-medium text-ink">
                      {fieldLabel(field)}
                    </th>
                    <td className={`${cell} ${changed ? 'bg-danger-soft/60' : ''}`}>
                      {describeValue(field, old, providers.data)}
                    </td>
                    <td className={`${cell} ${changed ? 'bg-success-soft/60' : ''}`}>
                      {describeValue(field, current, providers.data)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        <label className="flex items-center gap-2 text-sm text-ink-muted">
          <input
            type="checkbox"
            className="size-4 accent-brand-600"
            checked={showAll}
            onChange={(event) => setShowAll(event.target.checked)}
          />
          Show unchanged settings too
        </label>
      </div>
    );
  }

  return (
    <Dialog
      open={version !== null}
      title={`Version ${version ?? ''}`}
      onClose={onClose}
      wide
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
          {canRestore && !isCurrent && version !== null ? (
            <Button onClick={() => onRestore(version)} disabled={!revision.isSuccess}>
              Restore this version
            </Button>
          ) : null}
        </>
      }
    >
      {body}
    </Dialog>
  );
}
