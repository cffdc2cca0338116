import { Link } from 'react-router-dom';

import { Card, PageHeader } from '../components/Card';
import { EmptyState } from '../components/States';
import { useTenant } from '../layout/tenantContext';
import { paths } from '../paths';

const NEXT_STEPS = [
  {
    to: (t: string) => paths.settings(t, 'ai'),
    label: 'Connect an AI provider (until then the offline responder answers)',
  },
  { to: paths.newAgent, label: 'Create your first agent and try it' },
  {
    to: (t: string) => paths.settings(t, 'workspace'),
    label: 'Check the time zone and language agents will use',
  },
  {
    to: (t: string) => paths.settings(t, 'members'),
    label: 'Invite the people who will configure agents',
  },
  {
    to: (t: string) => paths.settings(t, 'api-keys'),
    label: 'Create an API key for your integrations',
  },
] as const;

/** The workspace's home. Knowledge is not built yet, and the page says so. */
export function DashboardPage() {
  const { tenantId, tenant, canManage } = useTenant();

  return (
    <>
      <PageHeader title={tenant.name} description="Your AI agents for Kommo." />
      <div className="space-y-gutter">
        <EmptyState title="Knowledge is coming">
          Your{' '}
          <Link to={paths.agents(tenantId)} className="font-medium text-brand-700 hover:underline">
            agents
          </Link>{' '}
          can already be configured and tried. Soon you will give them knowledge from your documents
          and web pages, and connect them to Kommo.
        </EmptyState>
        {canManage ? (
          <Card title="Get your workspace ready">
            <ul className="space-y-2 text-sm">
              {NEXT_STEPS.map((step) => (
                <li key={step.label}>
                  <Link
                    to={step.to(tenantId)}
                    className="font-medium text-brand-700 hover:underline"
                  >
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
