import { Link } from 'react-router-dom';

import { useWorkspaceRole, useTenants } from '../api/useTenants';
import { Card, PageHeader } from '../components/Card';
import { EmptyState } from '../components/States';
import { useTenantId } from '../layout/useTenantId';

const NEXT_STEPS = [
  { to: 'ai', label: 'Connect an AI provider (until then the offline responder answers)' },
  { to: 'agents/new', label: 'Create your first agent and try it' },
  { to: 'settings/workspace', label: 'Check the time zone and language agents will use' },
  { to: 'settings/members', label: 'Invite the people who will configure agents' },
  { to: 'settings/api-keys', label: 'Create an API key for your integrations' },
] as const;

/** The workspace's home. Knowledge is not built yet, and the page says so. */
export function DashboardPage() {
  const tenantId = useTenantId();
  const workspace = useTenants().data?.find((t) => t.id === tenantId);
  const { canManage } = useWorkspaceRole(tenantId);

  return (
    <>
      <PageHeader title={workspace?.name ?? 'Dashboard'} description="Your AI agents for Kommo." />
      <div className="space-y-gutter">
        <EmptyState title="Knowledge is coming">
          Your{' '}
          <Link to="agents" className="font-medium text-brand-700 hover:underline">
            agents
          </Link>{' '}
          can already be configured and tried. Soon you will give them knowledge from your documents
          and web pages, and connect them to Kommo.
        </EmptyState>
        {canManage ? (
          <Card title="Get your workspace ready">
            <ul className="space-y-2 text-sm">
              {NEXT_STEPS.map((step) => (
                <li key={step.to}>
                  <Link to={step.to} className="font-medium text-brand-700 hover:underline">
                    {step.label}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
    </>
  );
}
