import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import type { AgentRead } from '../../client';
import { useDeleteAgent, useDuplicateAgent, useExportAgent } from '../../api/useAgents';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { paths } from '../../paths';

export interface AgentActionsProps {
  tenantId: string;
  agent: AgentRead;
  canManage: boolean;
}

/** Duplicate, export (a JSON file to import elsewhere) and delete. */
export function AgentActions({ tenantId, agent, canManage }: AgentActionsProps) {
  const navigate = useNavigate();
  const duplicate = useDuplicateAgent(tenantId);
  const exportAgent = useExportAgent(tenantId);
  const remove = useDeleteAgent(tenantId);
  const [confirming, setConfirming] = useState(false);
  const list = paths.agents(tenantId);

  return (
    <div className="flex flex-wrap gap-2">
      {canManage ? (
        <Button
          variant="secondary"
          loading={duplicate.isPending}
          onClick={() =>
            duplicate.mutate(agent, {
              onSuccess: (copy) => void navigate(paths.agent(tenantId, copy.id)),
            })
          }
        >
          Duplicate
        </Button>
      ) : null}
      <Button
        variant="secondary"
        loading={exportAgent.isPending}
        onClick={() => exportAgent.mutate(agent)}
      >
        Export
      </Button>
      {canManage ? (
        <Button variant="ghost" onClick={() => setConfirming(true)}>
          Delete
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Delete agent?"
        message={`${agent.name} and all its versions are deleted, and it stops answering leads. Export it first to keep a copy.`}
        confirmLabel="Delete agent"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(agent, {
            onSuccess: () => void navigate(list, { replace: true }),
            onSettled: () => setConfirming(false),
          })
        }
      />
    </div>
  );
}
