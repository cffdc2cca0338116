import type { UsageDay } from '../../../client';
import type { DayRange } from '../../../api/keys';

const DAY_MS = 24 * 3600 * 1000;

/** The last `count` UTC days up to today, oldest first, as `YYYY-MM-DD` (the API's days). */
export function lastDays(count: number, now = Date.now()): string[] {
  return Array.from({ length: count }, (_, index) =>
    new Date(now - (count - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
}

export function rangeOf(days: readonly string[]): DayRange {
  return { since: days[0] ?? '', until: days[days.length - 1] ?? '' };
}

export interface DayTokens {
  day: string;
  tokensIn: number;
  tokensOut: number;
}

/** Tokens in and out per day over `days` (days without calls count zero). */
export function tokensPerDay(usage: readonly UsageDay[], days: readonly string[]): DayTokens[] {
  const totals = new Map(days.map((day) => [day, { day, tokensIn: 0, tokensOut: 0 }]));
  for (const row of usage) {
    const total = totals.get(row.day);
    if (!total) continue;
    total.tokensIn += row.tokens_in;
    total.tokensOut += row.tokens_out;
  }
  return [...totals.values()];
}

export interface ModelUsage {
  model: string;
  operation: string;
  calls: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  avgLatencyMs: number;
}

/** The range's usage per model and operation, most tokens first; latency averaged per call. */
export function usageByModel(usage: readonly UsageDay[]): ModelUsage[] {
  const rows = new Map<string, ModelUsage & { latencyTotal: number }>();
  for (const day of usage) {
    const key = `${day.model}\u0000${day.operation}`;
    const row = rows.get(key) ?? {
      model: day.model,
      operation: day.operation,
      calls: 0,
      errors: 0,
      tokensIn: 0,
      tokensOut: 0,
      avgLatencyMs: 0,
      latencyTotal: 0,
    };
    row.calls += day.calls;
    row.errors += day.errors;
    row.tokensIn += day.tokens_in;
    row.tokensOut += day.tokens_out;
    row.latencyTotal += day.avg_latency_ms * day.calls;
    rows.set(key, row);
  }
  return [...rows.values()]
    .map(({ latencyTotal, ...row }) => ({
      ...row,
      avgLatencyMs: row.calls > 0 ? Math.round(latencyTotal / row.calls) : 0,
    }))
    .sort((a, b) => b.tokensIn + b.tokensOut - (a.tokensIn + a.tokensOut));
}

/** "Mar 4" for a UTC day. */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}
