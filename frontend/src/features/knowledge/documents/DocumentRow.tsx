import { Link } from 'react-router-dom';

import type { DocumentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { DocumentStatusCell } from '../DocumentStatus';
import { formatBytes } from '../labels';
import { TagList } from './TagList';

function Details({ document }: { document: DocumentRead }) {
  const parts = [
    document.page_count !== null ? `${document.page_count} pages` : null,
    document.status === 'ready' ? `${document.chunk_count} chunks` : null,
    document.status === 'ready' ? `${document.token_count} tokens` : null,
    document.source_kind === 'text' ? 'pasted text' : formatBytes(document.size_bytes),
  ].filter(Boolean);
  return <span className="block text-xs text-ink-muted">{parts.join(' · ')}</span>;
}

export interface DocumentRowProps {
  document: DocumentRead;
  href: string;
  /** The collection's name, shown when the list is not already one collection. */
  collectionName: string | null;
  canManage: boolean;
  selected: boolean;
  onToggle: () => void;
  activeTag: string;
  onPickTag: (tag: string) => void;
  retrying: boolean;
  onRetry: () => void;
  onDelete: () => void;
}

/** One document: title (opens it), source, collection, tags, failure, status, actions. */
export function DocumentRow({
  document,
  href,
  collectionName,
  canManage,
  selected,
  onToggle,
  activeTag,
  onPickTag,
  retrying,
  onRetry,
  onDelete,
}: DocumentRowProps) {
  return (
    <tr className={`align-top ${selected ? 'bg-brand-50/50' : ''}`}>
      {canManage ? (
        <td className="py-3 pr-3">
          <input
            type="checkbox"
            checked={selected}
            onChange={onToggle}
            aria-label={`Select ${document.title}`}
            className="size-4 accent-brand-600"
          />
        </td>
      ) : null}
      <td className="py-3 pr-4">
        <Link to={href} className="font-medium text-brand-700 hover:underline">
          {document.title}
        </Link>
        {document.filename && document.filename !== document.title ? (
          <span className="block text-xs text-ink-subtle">{document.filename}</span>
        ) : null}
        <Details document={document} />
        {collectionName ? (
          <span className="block text-xs text-ink-muted">in {collectionName}</span>
        ) : null}
        <TagList tags={document.tags} onPick={onPickTag} active={activeTag} />
        {document.status === 'failed' && document.last_error ? (
          <p className="mt-1 text-xs text-danger" role="note">
            {document.last_error}
            {document.attempts > 1 ? ` (after ${document.attempts} attempts)` : ''}
          </p>
        ) : null}
      </td>
      <td className="py-3 pr-4">
        <DocumentStatusCell document={document} />
      </td>
      <td className="py-3 pr-4 text-ink-muted" title={formatDateTime(document.created_at)}>
        {formatRelative(document.created_at)}
      </td>
      <td className="py-3 text-right whitespace-nowrap">
        {canManage && document.status === 'failed' ? (
          <Button
            size="sm"
            variant="secondary"
            aria-label={`Retry ${document.title}`}
            loading={retrying}
            onClick={onRetry}
          >
            Retry
          </Button>
        ) : null}{' '}
        {canManage ? (
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Delete ${document.title}`}
            onClick={onDelete}
          >
            Delete
          </Button>
        ) : null}
      </td>
    </tr>
  );
}
