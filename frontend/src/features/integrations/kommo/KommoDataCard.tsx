import { Card } from '../../../components/Card';
import { PipelinesPanel } from './PipelinesPanel';
import { SyncPanel } from './SyncPanel';

/** What the workspace keeps of the Kommo account (read by agents and rules without calling Kommo). */
export function KommoDataCard({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  return (
    <Card
      title="Kommo data"
      description="Pipelines, fields, users and sources copied from Kommo on connect, every 6 hours and on demand."
    >
      <div className="grid gap-gutter lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <SyncPanel tenantId={tenantId} canManage={canManage} />
        <PipelinesPanel tenantId={tenantId} />
      </div>
    </Card>
  );
}
