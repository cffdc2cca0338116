import type { KnowledgeStats } from '../../../client';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { formatBytes, formatCount } from '../labels';
import { statusGroups } from './statsData';

interface Stat {
  label: string;
  value: string;
  /** The exact figure or date, as a tooltip. */
  title?: string;
  note?: string;
  tone?: 'danger' | 'brand';
}

function StatCard({ stat }: { stat: Stat }) {
  const tone =
    stat.tone === 'danger' ? 'text-danger' : stat.tone === 'brand' ? 'text-brand-700' : 'text-ink';
  return (
    <div className="rounded-control border border-surface-border px-4 py-3">
      <dt className="text-xs font-medium text-ink-muted uppercase">{stat.label}</dt>
      <dd className={`mt-1 text-lg font-semibold tabular-nums ${tone}`} title={stat.title}>
        {stat.value}
      </dd>
      {stat.note ? <dd className="text-xs text-ink-muted">{stat.note}</dd> : null}
    </div>
  );
}

/** The knowledge base in numbers: documents by state, passages, tokens, storage, freshness. */
export function StatCards({ stats }: { stats: KnowledgeStats }) {
  const groups = statusGroups(stats.documents_by_status);
  const cards: Stat[] = [
    {
      label: 'Documents',
      value: formatCount(stats.total_documents),
      title: stats.total_documents.toLocaleString(),
      note: `${groups.ready.toLocaleString()} ready`,
    },
    {
      label: 'Indexing',
      value: formatCount(groups.indexing),
      title: groups.indexing.toLocaleString(),
      note: groups.indexing > 0 ? 'queued or in progress' : 'nothing waiting',
      ...(groups.indexing > 0 ? { tone: 'brand' as const } : {}),
    },
    {
      label: 'Failed',
      value: formatCount(groups.failed),
      title: groups.failed.toLocaleString(),
      note: groups.failed > 0 ? 'see why below' : 'none',
      ...(groups.failed > 0 ? { tone: 'danger' as const } : {}),
    },
    {
      label: 'Passages',
      value: formatCount(stats.total_chunks),
      title: `${stats.total_chunks.toLocaleString()} chunks`,
    },
    {
      label: 'Tokens',
      value: formatCount(stats.total_tokens),
      title: `${stats.total_tokens.toLocaleString()} tokens`,
    },
    {
      label: 'Storage',
      value: formatBytes(stats.storage_bytes),
      title: `${stats.storage_bytes.toLocaleString()} bytes`,
    },
    {
      label: 'Last indexed',
      value: stats.last_indexed_at ? formatRelative(stats.last_indexed_at) : 'Never',
      ...(stats.last_indexed_at ? { title: formatDateTime(stats.last_indexed_at) } : {}),
    },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {cards.map((stat) => (
        <StatCard key={stat.label} stat={stat} />
      ))}
    </dl>
  );
}
