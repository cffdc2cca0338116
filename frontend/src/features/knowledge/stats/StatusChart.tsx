import type { StatusCount } from './statsData';

const BAR = 24;
const GAP = 16;
const HEIGHT = 96;

const FILLS: Record<StatusCount['tone'], string> = {
  neutral: 'fill-surface-strong',
  brand: 'fill-brand-500',
  success: 'fill-success',
  danger: 'fill-danger',
};

/**
 * Documents per status as bars, drawn in plain SVG like the AI usage chart. Each bar has a
 * tooltip; the labels and counts under the bars are text, so they read without the picture.
 */
export function StatusChart({ counts }: { counts: StatusCount[] }) {
  const peak = Math.max(1, ...counts.map((c) => c.count));
  const width = counts.length * (BAR + GAP);
  const summary = counts.map((c) => `${c.count} ${c.label.toLowerCase()}`).join(', ');
  return (
    <figure className="space-y-2">
      <svg
        role="img"
        aria-label={`Documents by status: ${summary}`}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="block h-24 w-full"
      >
        <line
          x1={0}
          x2={width}
          y1={HEIGHT - 0.5}
          y2={HEIGHT - 0.5}
          className="stroke-surface-border"
          strokeWidth={1}
          vectorEffect="non-scaling-stroke"
        />
        {counts.map((c, index) => {
          const height = c.count === 0 ? 0 : Math.max(2, (c.count / peak) * (HEIGHT - 4));
          const x = index * (BAR + GAP) + GAP / 2;
          return (
            <g key={c.status} data-status={c.status}>
              <title>{`${c.label}: ${c.count.toLocaleString()}`}</title>
              <rect x={x} y={0} width={BAR} height={HEIGHT} fill="transparent" />
              <rect
                x={x}
                y={HEIGHT - height}
                width={BAR}
                height={height}
                className={FILLS[c.tone]}
              />
            </g>
          );
        })}
      </svg>
      <figcaption
        className="grid text-center text-xs text-ink-muted"
        style={{ gridTemplateColumns: `repeat(${counts.length}, minmax(0, 1fr))` }}
      >
        {counts.map((c) => (
          <span key={c.status}>
            <span className="block font-semibold text-ink tabular-nums">
              {c.count.toLocaleString()}
            </span>
            {c.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
