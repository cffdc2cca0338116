import { useWorkspace } from '../../api/useWorkspace';
import { Card, PageHeader } from '../../components/Card';
import { FormSkeleton } from '../../components/Skeleton';
import { ErrorState } from '../../components/States';
import { WorkspaceForm } from '../../features/workspace/WorkspaceForm';
import { useTenant } from '../../layout/tenantContext';
import { ReadOnlyNotice } from './ReadOnlyNotice';

export function WorkspaceSettingsPage() {
  const { tenantId, canManage } = useTenant();
  const workspace = useWorkspace(tenantId);
  return (
    <>
      <PageHeader
        title="Workspace settings"
        description="How this workspace is named and where it lives."
      />
      {canManage ? null : <ReadOnlyNotice />}
      <Card>
        {workspace.isPending ? (
          <FormSkeleton />
        ) : workspace.isError ? (
          <ErrorState error={workspace.error} onRetry={() => void workspace.refetch()} />
        ) : (
          <WorkspaceForm key={workspace.data.id} workspace={workspace.data} readOnly={!canManage} />
        )}
      </Card>
    </>
  );
}
