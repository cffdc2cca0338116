import { useState } from 'react';

import type { AgentRead } from '../../../client';
import type { PageParams } from '../../../api/keys';
import { useAgentRevisions, useRestoreRevision } from '../../../api/useAgentRevisions';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Pager } from '../../../components/Pager';
import { ListSkeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { useActorName } from './actors';
import { RevisionDialog } from './RevisionDialog';
import { RevisionRow } from './RevisionRow';

const PAGE_SIZE = 20;

export interface RevisionsPanelProps {
  tenantId: string;
  agent: AgentRead;
  canManage: boolean;
}

/** Every saved version of the agent; any of them can be viewed and made current again. */
export function RevisionsPanel({ tenantId, agent, canManage }: RevisionsPanelProps) {
  const [page, setPage] = useState<PageParams>({ limit: PAGE_SIZE, offset: 0 });
  const revisions = useAgentRevisions(tenantId, agent.id, page);
  const restore = useRestoreRevision(tenantId, agent.id);
  const actorName = useActorName(tenantId);
  const [viewing, setViewing] = useState<number | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);

  if (revisions.isPending) return <ListSkeleton rows={4} label="Loading versions" />;
  if (revisions.isError) {
    return <ErrorState error={revisions.error} onRetry={() => void revisions.refetch()} />;
  }
  if (revisions.data.items.length === 0) {
    return (
      <EmptyState title="No versions yet">Saving the agent records its first version.</EmptyState>
    );
  }
  return (
    <>
      <ul aria-label="Versions" className="divide-y divide-surface-border">
        {revisions.data.items.map((revision) => (
          <RevisionRow
            key={revision.version}
            revision={revision}
            current={revision.version === agent.version}
            actor={actorName(revision.actor)}
            canRestore={canManage}
            onView={() => setViewing(revision.version)}
            onRestore={() => setRestoring(revision.version)}
          />
        ))}
      </ul>
      <Pager page={page} total={revisions.data.total} onChange={setPage} noun="versions" />
      <RevisionDialog
        tenantId={tenantId}
        agent={agent}
        version={viewing}
        actorName={actorName}
        canRestore={canManage}
        onRestore={(version) => {
          setViewing(null);
          setRestoring(version);
        }}
        onClose={() => setViewing(null)}
      />
      <ConfirmDialog
        open={restoring !== null}
        title={`Restore version ${restoring ?? ''}?`}
        message={`Its settings become current again as version ${agent.version + 1}; unsaved edits in the settings tab are lost. Nothing in the history is deleted.`}
        confirmLabel="Restore"
        busy={restore.isPending}
        onCancel={() => setRestoring(null)}
        onConfirm={() => {
          if (restoring === null) return;
          restore.mutate(restoring, { onSettled: () => setRestoring(null) });
        }}
      />
    </>
  );
}
