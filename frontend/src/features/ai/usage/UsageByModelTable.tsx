import { TableScroll } from '../../../components/TableScroll';
import type { ModelUsage } from './usageData';

const OPERATIONS: Record<string, string> = { chat: 'Chat', embedding: 'Embeddings' };

/** Calls, errors, tokens and mean latency per model over the range. */
export function UsageByModelTable({ rows }: { rows: ModelUsage[] }) {
  if (rows.length === 0) return null;
  const number = 'py-2 pr-4 text-right tabular-nums';
  return (
    <TableScroll>
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-ink-muted uppercase">
          <tr>
            <th className="pb-2 font-medium">Model</th>
            <th className="pb-2 font-medium">Use</th>
            <th className="pr-4 pb-2 text-right font-medium">Calls</th>
            <th className="pr-4 pb-2 text-right font-medium">Errors</th>
            <th className="pr-4 pb-2 text-right font-medium">Tokens in</th>
            <th className="pr-4 pb-2 text-right font-medium">Tokens out</th>
            <th className="pb-2 text-right font-medium">Avg latency</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-surface-border">
          {rows.map((row) => (
            <tr key={`${row.model}/${row.operation}`}>
              <td className="py-2 pr-4">
                <code className="font-mono text-xs">{row.model}</code>
              </td>
              <td className="py-2 pr-4 text-ink-muted">
                {OPERATIONS[row.operation] ?? row.operation}
              </td>
              <td className={number}>{row.calls.toLocaleString()}</td>
              <td className={`${number} ${row.errors > 0 ? 'text-danger' : 'text-ink-muted'}`}>
                {row.errors.toLocaleString()}
              </td>
              <td className={number}>{row.tokensIn.toLocaleString()}</td>
              <td className={number}>{row.tokensOut.toLocaleString()}</td>
              <td className="py-2 text-right text-ink-muted tabular-nums">
                {row.avgLatencyMs.toLocaleString()} ms
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
