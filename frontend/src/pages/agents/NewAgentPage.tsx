import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { useCreateAgent } from '../../api/useAgents';
import { Card, PageHeader } from '../../components/Card';
import { EmptyState } from '../../components/States';
import { AgentForm } from '../../features/agents/form/AgentForm';
import { agentBody, newAgentValues } from '../../features/agents/form/agentValues';
import { useTenant } from '../../layout/tenantContext';
import { paths } from '../../paths';

export function NewAgentPage() {
  const { tenantId, canManage } = useTenant();
  const create = useCreateAgent(tenantId);
  const navigate = useNavigate();
  const [initial] = useState(newAgentValues);
  const list = paths.agents(tenantId);

  return (
    <>
      <PageHeader
        title="New agent"
        description={
          <>
            It starts as a draft: nobody is answered until you set it to active.{' '}
            <Link to={list} className="font-medium text-brand-700 hover:underline">
              Back to agents
            </Link>
          </>
        }
      />
      {canManage ? (
        <Card>
          <AgentForm
            tenantId={tenantId}
            mode="create"
            initial={initial}
            readOnly={false}
            saving={create.isPending}
            error={create.error}
            onSubmit={(values) =>
              create.mutate(agentBody(values), {
                onSuccess: (agent) =>
                  void navigate(paths.agent(tenantId, agent.id), { replace: true }),
              })
            }
          />
        </Card>
      ) : (
        <EmptyState title="Only owners and admins create agents">
          Ask one of them to create it, or to make you an admin.
        </EmptyState>
      )}
    </>
  );
}
