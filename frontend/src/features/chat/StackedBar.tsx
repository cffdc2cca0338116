import { segmentColour } from './labels';

export interface Segment {
  label: string;
  value: number;
}

export interface StackedBarProps {
  /** What the bar measures, for screen readers: "Context tokens by section". */
  label: string;
  segments: Segment[];
  /** The whole bar; the segments' sum when omitted (what is left shows as empty track). */
  total?: number;
  unit: string;
}

/**
 * A thin horizontal bar split into coloured segments, with a legend under it naming each
 * segment and its value. Segments of zero are left out of the bar but kept in the legend.
 */
export function StackedBar({ label, segments, total, unit }: StackedBarProps) {
  const sum = segments.reduce((acc, segment) => acc + segment.value, 0);
  const whole = Math.max(total ?? sum, sum, 1);
  return (
    <figure className="space-y-1.5">
      <div
        role="img"
        aria-label={`${label}: ${segments.map((s) => `${s.label} ${s.value.toLocaleString()} ${unit}`).join(', ')}`}
        className="flex h-2.5 w-full overflow-hidden rounded-pill bg-surface-sunken"
      >
        {segments.map((segment, index) =>
          segment.value > 0 ? (
            <div
              key={segment.label}
              className={`h-full ${segmentColour(index)}`}
              style={{ width: `${(segment.value / whole) * 100}%` }}
              title={`${segment.label}: ${segment.value.toLocaleString()} ${unit}`}
            />
          ) : null,
        )}
      </div>
      <figcaption>
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-ink-muted">
          {segments.map((segment, index) => (
            <li key={segment.label} className="flex items-center gap-1.5">
              <span
                aria-hidden="true"
                className={`inline-block size-2 rounded-pill ${segmentColour(index)}`}
              />
              <span>{segment.label}</span>
              <span className="font-mono text-ink">{segment.value.toLocaleString()}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
