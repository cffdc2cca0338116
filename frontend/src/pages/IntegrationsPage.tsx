import { PageHeader } from '../components/Card';
import { CallbackNotice } from '../features/integrations/kommo/CallbackNotice';
import { KommoCard } from '../features/integrations/kommo/KommoCard';
import { useKommoCallback } from '../features/integrations/kommo/useKommoCallback';
import { useTenant } from '../layout/tenantContext';
import { ReadOnlyNotice } from './settings/ReadOnlyNotice';

/** The workspace's connections to other services: Kommo, where agents answer leads. */
export function IntegrationsPage() {
  const { tenantId, canManage } = useTenant();
  const callback = useKommoCallback(tenantId);
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
      </div>
    </>
  );
}
