import { useWorkspace } from '../../api/useWorkspace';
import { useWorkspaceRole } from '../../api/useTenants';
import { Card, PageHeader } from '../../components/Card';
import { FormSkeleton } from '../../components/Skeleton';
import { ErrorState } from '../../components/States';
import { WorkspaceForm } from '../../features/workspace/WorkspaceForm';
import { useTenantId } from '../../layout/useTenantId';
import { ReadOnlyNotice } from './ReadOnlyNotice';

export function WorkspaceSettingsPage() {
  const tenantId = useTenantId();
  const workspace = useWorkspace(tenantId);
  const { canManage } = useWorkspaceRole(tenantId);
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
