import { useFeatureFlags } from '../../api/useFeatureFlags';
import { Card, PageHeader } from '../../components/Card';
import { ListSkeleton } from '../../components/Skeleton';
import { ErrorState } from '../../components/States';
import { FeatureFlagList } from '../../features/feature-flags/FeatureFlagList';
import { useTenant } from '../../layout/tenantContext';
import { ReadOnlyNotice } from './ReadOnlyNotice';

export function FeatureFlagsPage() {
  const { tenantId, canManage } = useTenant();
  const flags = useFeatureFlags(tenantId);
  return (
    <>
      <PageHeader
        title="Feature flags"
        description="Switch features on or off for this workspace. A flag you have not touched follows the platform default."
      />
      {canManage ? null : <ReadOnlyNotice />}
      <Card>
        {flags.isPending ? (
          <ListSkeleton rows={5} label="Loading feature flags" />
        ) : flags.isError ? (
          <ErrorState error={flags.error} onRetry={() => void flags.refetch()} />
        ) : (
          <FeatureFlagList tenantId={tenantId} flags={flags.data} readOnly={!canManage} />
        )}
      </Card>
    </>
  );
}
