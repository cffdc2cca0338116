import type { Latency } from '../../client';
import { latencySegments } from './labels';
import { StackedBar } from './StackedBar';

export function LatencyBar({ latency }: { latency: Latency }) {
  return (
    <div className="space-y-1">
      <p className="text-xs text-ink-muted">
        Answered in{' '}
        <span className="font-semibold text-ink">
          {(latency.total_ms ?? 0).toLocaleString()} ms
        </span>
      </p>
      <StackedBar
        label="Latency"
        unit="ms"
        segments={latencySegments(latency)}
        total={latency.total_ms ?? 0}
      />
    </div>
  );
}
