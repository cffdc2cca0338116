import { shortDay, type DayTokens } from './usageData';

const BAR = 16;
const GAP = 8;
const HEIGHT = 160;

/**
 * Tokens per day as stacked bars (in at the bottom, out on top), drawn in plain SVG. Each day
 * is one group with a tooltip; the numbers are also in the per-model table below.
 */
export function UsageChart({ days }: { days: DayTokens[] }) {
  const peak = Math.max(1, ...days.map((d) => d.tokensIn + d.tokensOut));
  const width = days.length * (BAR + GAP);
  const scale = (tokens: number) => (tokens / peak) * (HEIGHT - 4);
  const totalIn = days.reduce((sum, d) => sum + d.tokensIn, 0);
  const totalOut = days.reduce((sum, d) => sum + d.tokensOut, 0);
  const first = days[0];
  const last = days[days.length - 1];

  return (
    <figure className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-ink-muted">
        <span>
          {totalIn + totalOut > 0 ? `Peak ${peak.toLocaleString()} tokens a day` : 'No tokens yet'}
        </span>
        <span className="flex items-center gap-3">
          <span className="flex items-center gap-1">
            <span aria-hidden="true" className="size-2.5 rounded-sm bg-brand-600" /> Tokens in
          </span>
          <span className="flex items-center gap-1">
            <span aria-hidden="true" className="size-2.5 rounded-sm bg-brand-200" /> Tokens out
          </span>
        </span>
      </div>
      <svg
        role="img"
        aria-label={`Tokens per day over the last ${days.length} days: ${totalIn.toLocaleString()} in, ${totalOut.toLocaleString()} out`}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="block h-40 w-full"
      >
        {[0.25, 0.5, 0.75].map((fraction) => (
          <line
            key={fraction}
            x1={0}
            x2={width}
            y1={HEIGHT * fraction}
            y2={HEIGHT * fraction}
            className="stroke-surface-border"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        {days.map((day, index) => {
          const x = index * (BAR + GAP) + GAP / 2;
          const inHeight = scale(day.tokensIn);
          const outHeight = scale(day.tokensOut);
          return (
            <g key={day.day} data-day={day.day}>
              <title>
                {`${shortDay(day.day)}: ${day.tokensIn.toLocaleString()} in, ${day.tokensOut.toLocaleString()} out`}
              </title>
              {/* A transparent full-height column so the tooltip works on empty days too. */}
              <rect x={x} y={0} width={BAR} height={HEIGHT} fill="transparent" />
              <rect
                x={x}
                y={HEIGHT - inHeight}
                width={BAR}
                height={inHeight}
                className="fill-brand-600"
              />
              <rect
                x={x}
                y={HEIGHT - inHeight - outHeight}
                width={BAR}
                height={outHeight}
                className="fill-brand-200"
              />
            </g>
          );
        })}
      </svg>
      {first && last ? (
        <figcaption className="flex justify-between text-xs text-ink-muted">
          <span>{shortDay(first.day)}</span>
          <span>UTC days</span>
          <span>{shortDay(last.day)}</span>
        </figcaption>
      ) : null}
    </figure>
  );
}
