import type { ResolvedRead } from '../../client';
import { Badge } from '../../components/Badge';

const SOURCES: Record<ResolvedRead['source'], string> = {
  agent: 'Set on the agent.',
  workspace: 'The workspace default below.',
  environment: "The platform's default: this workspace has none.",
  offline: 'No chat provider is chosen, here or for the platform.',
};

function why(resolved: ResolvedRead): string {
  if (resolved.provider === 'local') return 'No embedding provider and model are chosen.';
  return SOURCES[resolved.source];
}

/** What actually answers after the fallbacks, e.g. "OpenAI · gpt-4o-mini, from the workspace default". */
export function EffectiveModel({ label, resolved }: { label: string; resolved: ResolvedRead }) {
  return (
    <div className="rounded-control bg-surface-sunken px-3 py-2 text-sm">
      <p className="text-xs font-medium text-ink-muted uppercase">{label}</p>
      <p className="mt-1 flex flex-wrap items-center gap-2">
        {resolved.offline ? (
          <Badge tone="warning">
            {resolved.provider === 'local' ? 'Local model' : 'Offline responder'}
          </Badge>
        ) : (
          <span className="font-medium text-ink">{resolved.provider}</span>
        )}
        <code className="font-mono text-xs text-ink">{resolved.model}</code>
      </p>
      <p className="mt-0.5 text-xs text-ink-muted">{why(resolved)}</p>
    </div>
  );
}
