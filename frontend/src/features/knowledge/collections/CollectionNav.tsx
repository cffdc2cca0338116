import type { CollectionRead } from '../../../client';
import { Skeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';

export interface CollectionNavProps {
  collections: CollectionRead[] | undefined;
  error: unknown;
  onRetry: () => void;
  /** The selected collection's id, or '' for every document. */
  selected: string;
  onSelect: (collectionId: string) => void;
  /** How many documents there are in all (unknown while the stats load). */
  total: number | undefined;
}

function NavItem({
  label,
  count,
  active,
  onClick,
}: {
  label: string;
  count: number | undefined;
  active: boolean;
  onClick: () => void;
}) {
  return (
    <li>
      <button
        type="button"
        aria-current={active ? 'true' : undefined}
        onClick={onClick}
        className={`flex w-full items-center justify-between gap-2 rounded-control px-3 py-1.5 text-left text-sm ${
          active
            ? 'bg-brand-50 font-medium text-brand-700'
            : 'text-ink-muted hover:bg-surface-sunken hover:text-ink'
        }`}
      >
        <span className="min-w-0 truncate">{label}</span>
        {count !== undefined ? (
          <span className="text-xs tabular-nums" aria-label={`${count} documents`}>
            {count}
          </span>
        ) : null}
      </button>
    </li>
  );
}

/** Every document, then each collection with its document count; picks the list's filter. */
export function CollectionNav({
  collections,
  error,
  onRetry,
  selected,
  onSelect,
  total,
}: CollectionNavProps) {
  return (
    <nav aria-label="Collections">
      <ul className="space-y-0.5">
        <NavItem
          label="All documents"
          count={total}
          active={selected === ''}
          onClick={() => onSelect('')}
        />
        {collections?.map((collection) => (
          <NavItem
            key={collection.id}
            label={collection.name}
            count={collection.document_count}
            active={selected === collection.id}
            onClick={() => onSelect(collection.id)}
          />
        ))}
      </ul>
      {collections === undefined && !error ? (
        <div role="status" aria-busy="true" className="mt-2 space-y-2 px-3">
          <span className="sr-only">Loading collections…</span>
          <Skeleton className="h-4 w-3/4" />
          <Skeleton className="h-4 w-1/2" />
        </div>
      ) : null}
      {error ? (
        <div className="mt-2">
          <ErrorState error={error} onRetry={onRetry} />
        </div>
      ) : null}
      {collections?.length === 0 ? (
        <p className="mt-2 px-3 text-xs text-ink-muted">
          No collections yet. Group documents by product or team to search them apart.
        </p>
      ) : null}
    </nav>
  );
}
