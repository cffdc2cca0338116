import type { FeatureFlags } from '../../client';
import { useResetFeatureFlag, useSetFeatureFlag } from '../../api/useFeatureFlags';
import { EmptyState } from '../../components/States';
import { FeatureFlagRow } from './FeatureFlagRow';

export interface FeatureFlagListProps {
  tenantId: string;
  flags: FeatureFlags;
  readOnly: boolean;
}

export function FeatureFlagList({ tenantId, flags, readOnly }: FeatureFlagListProps) {
  const setFlag = useSetFeatureFlag(tenantId);
  const resetFlag = useResetFeatureFlag(tenantId);
  const items = Object.values(flags.flags).sort((a, b) => a.key.localeCompare(b.key));
  const busyKey = setFlag.isPending
    ? setFlag.variables.key
    : resetFlag.isPending
      ? resetFlag.variables
      : null;

  if (items.length === 0) {
    return <EmptyState title="No feature flags">This version of the platform has none.</EmptyState>;
  }
  return (
    <ul className="divide-y divide-surface-border">
      {items.map((flag) => (
        <FeatureFlagRow
          key={flag.key}
          flag={flag}
          readOnly={readOnly}
          busy={busyKey === flag.key}
          onToggle={(enabled) => setFlag.mutate({ key: flag.key, enabled })}
          onReset={() => resetFlag.mutate(flag.key)}
        />
      ))}
    </ul>
  );
}
