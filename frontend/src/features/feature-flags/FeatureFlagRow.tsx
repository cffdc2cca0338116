import type { FeatureFlagRead } from '../../client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Switch } from '../../components/Switch';

export interface FeatureFlagRowProps {
  flag: FeatureFlagRead;
  readOnly: boolean;
  busy: boolean;
  onToggle: (enabled: boolean) => void;
  onReset: () => void;
}

/** One flag: what it does, whether it follows the default or this workspace overrides it. */
export function FeatureFlagRow({ flag, readOnly, busy, onToggle, onReset }: FeatureFlagRowProps) {
  return (
    <li className="flex flex-wrap items-center gap-4 py-4">
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <code className="font-mono text-sm font-medium text-ink">{flag.key}</code>
          {flag.overridden ? <Badge tone="warning">Overridden</Badge> : <Badge>Default</Badge>}
        </div>
        <p className="mt-1 text-sm text-ink-muted">{flag.description}</p>
        {flag.overridden ? (
          <p className="mt-1 text-xs text-ink-subtle">Default: {flag.default ? 'on' : 'off'}</p>
        ) : null}
      </div>
      {flag.overridden && !readOnly ? (
        <Button variant="ghost" size="sm" onClick={onReset} disabled={busy}>
          Reset to default
        </Button>
      ) : null}
      <Switch
        checked={flag.enabled}
        onChange={onToggle}
        label={flag.key}
        disabled={readOnly || busy}
      />
    </li>
  );
}
