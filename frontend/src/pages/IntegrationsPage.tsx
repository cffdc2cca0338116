import { Link } from 'react-router-dom';

import { PageHeader } from '../components/Card';
import { EmptyState } from '../components/States';
import { useTenant } from '../layout/tenantContext';
import { paths } from '../paths';

/** Where Kommo will be connected; for now it says when that comes and what works already. */
export function IntegrationsPage() {
  const { tenantId } = useTenant();
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connect your Kommo account so that agents answer your leads there."
      />
      <EmptyState
        title="Kommo arrives with the Kommo integration"
        action={
          <Link
            to={paths.testChat(tenantId)}
            className="text-sm font-medium text-brand-700 hover:underline"
          >
            Open the test chat
          </Link>
        }
      >
        Connecting Kommo (sign-in, pipelines, conversations) comes with the Kommo and conversations
        work. Until then you can set up agents and their knowledge, and try them in the test chat.
      </EmptyState>
    </>
  );
}
