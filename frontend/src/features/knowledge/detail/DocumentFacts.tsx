import type { ReactNode } from 'react';

import type { DocumentRead } from '../../../client';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { documentSource, formatBytes } from '../labels';

function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-ink-muted">Not yet</span>;
  return <span title={formatDateTime(iso)}>{formatRelative(iso)}</span>;
}

/** What the document is and what indexing made of it. */
export function DocumentFacts({ document }: { document: DocumentRead }) {
  const source =
    document.source_kind === 'url' && document.source_url ? (
      <a
        href={document.source_url}
        target="_blank"
        rel="noreferrer noopener"
        className="break-all text-brand-700 hover:underline"
      >
        {document.source_url}
      </a>
    ) : (
      <span className="break-all">{documentSource(document)}</span>
    );
  const facts: [string, ReactNode][] = [
    ['Source', source],
    ['Type', <code className="font-mono text-xs">{document.content_type}</code>],
    ['Size', formatBytes(document.size_bytes)],
    ['Pages', document.page_count ?? '—'],
    ['Passages', document.chunk_count.toLocaleString()],
    ['Tokens', document.token_count.toLocaleString()],
    [
      'Embedding model',
      document.embedding_model ? (
        <code className="font-mono text-xs">{document.embedding_model}</code>
      ) : (
        <span className="text-ink-muted">Not embedded yet</span>
      ),
    ],
    ['Attempts', document.attempts],
    ['Added', <When iso={document.created_at} />],
    ['Last indexed', <When iso={document.indexed_at} />],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
      {facts.map(([label, value]) => (
        <div key={label} className="flex justify-between gap-3 border-b border-surface-border py-1">
          <dt className="text-ink-muted">{label}</dt>
          <dd className="min-w-0 text-right text-ink">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
