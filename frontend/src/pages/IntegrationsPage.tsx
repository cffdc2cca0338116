import { useKommoStatus } from '../api/useKommo';
import { PageHeader } from '../components/Card';
import { CallbackNotice } from '../features/integrations/kommo/CallbackNotice';
import { KommoCard } from '../features/integrations/kommo/KommoCard';
import { KommoDataCard } from '../features/integrations/kommo/KommoDataCard';
import { WebhookEventsCard } from '../features/integrations/kommo/WebhookEventsCard';
import { useKommoCallback } from '../features/integrations/kommo/useKommoCallback';
import { SlackCard } from '../features/integrations/slack/SlackCard';
import { useTenant } from '../layout/tenantContext';
import { ReadOnlyNotice } from './settings/ReadOnlyNotice';

/**
 * The workspace's connections to other services: Kommo, where agents answer leads (and what
 * is synced from it, and what its webhook delivered), and Slack, where people hear what needs them.
 */
export function IntegrationsPage() {
  const { tenantId, canManage } = useTenant();
  const callback = useKommoCallback(tenantId);
  const kommo = useKommoStatus(tenantId);
  const hasAccount = kommo.data !== undefined && kommo.data.state !== 'not_connected';
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connect your Kommo account so that agents answer your leads there."
      />
      {callback.error ? (
        <CallbackNotice reason={callback.error.reason} onDismiss={callback.dismiss} />
      ) : null}
      {canManage ? null : <ReadOnlyNotice />}
      <div className="space-y-gutter">
        <KommoCard tenantId={tenantId} canManage={canManage} />
        {hasAccount ? <KommoDataCard tenantId={tenantId} canManage={canManage} /> : null}
        {hasAccount ? (
          <WebhookEventsCard tenantId={tenantId} deliveries={kommo.data?.deliveries_24h} />
        ) : null}
        <SlackCard tenantId={tenantId} canManage={canManage} />
      </div>
    </>
  );
}
