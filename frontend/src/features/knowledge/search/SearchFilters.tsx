import type { CollectionRead } from '../../../client';
import { ListInput } from '../../../components/ListInput';
import { tagProblem } from '../labels';

export interface SearchFiltersProps {
  collections: readonly CollectionRead[];
  collectionIds: readonly string[];
  onCollectionIds: (ids: string[]) => void;
  tags: readonly string[];
  onTags: (tags: string[]) => void;
}

/** Limits a search to some collections and to documents with some tags. */
export function SearchFilters({
  collections,
  collectionIds,
  onCollectionIds,
  tags,
  onTags,
}: SearchFiltersProps) {
  function toggle(id: string) {
    onCollectionIds(
      collectionIds.includes(id) ? collectionIds.filter((c) => c !== id) : [...collectionIds, id],
    );
  }
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-ink">Only in collections</legend>
        {collections.length === 0 ? (
          <p className="text-xs text-ink-muted">No collections yet: every document is searched.</p>
        ) : (
          <div className="flex flex-wrap gap-1.5">
            {collections.map((collection) => {
              const on = collectionIds.includes(collection.id);
              return (
                <button
                  key={collection.id}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggle(collection.id)}
                  className={`rounded-pill border px-2.5 py-0.5 text-xs font-medium ${
                    on
                      ? 'border-brand-500 bg-brand-50 text-brand-700'
                      : 'border-surface-strong text-ink-muted hover:text-ink'
                  }`}
                >
                  {collection.name}
                </button>
              );
            })}
          </div>
        )}
        <p className="text-xs text-ink-muted">None selected: every collection.</p>
      </fieldset>
      <ListInput
        label="Only with any of these tags"
        values={tags}
        onChange={onTags}
        validate={(tag) => tagProblem(tag, tags)}
        placeholder="Tag, then Enter"
      />
    </div>
  );
}
