import type { AgentRead } from '../../client';
import { useUpdateAgent } from '../../api/useAgents';
import { AgentForm } from './form/AgentForm';
import { agentValues } from './form/agentValues';

export interface AgentEditorProps {
  tenantId: string;
  agent: AgentRead;
  readOnly: boolean;
}

/** The settings of a saved agent; a new version (saved or restored) starts a fresh form. */
export function AgentEditor({ tenantId, agent, readOnly }: AgentEditorProps) {
  const update = useUpdateAgent(tenantId, agent.id);
  return (
    <AgentForm
      key={`${agent.id}:${agent.version}`}
      tenantId={tenantId}
      mode="edit"
      initial={agentValues(agent)}
      readOnly={readOnly}
      saving={update.isPending}
      error={update.error}
      onSubmit={(_values, changes) => update.mutate(changes)}
      onDiscard={() => update.reset()}
    />
  );
}
