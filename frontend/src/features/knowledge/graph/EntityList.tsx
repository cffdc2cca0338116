import type { EntityListParams } from '../../../api/keys';
import { useEntities } from '../../../api/useKnowledgeGraph';
import { Button } from '../../../components/Button';
import { Pager } from '../../../components/Pager';
import { ListSkeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { entityTypeLabel, mentionSummary } from './graphData';

export interface EntityListProps {
  tenantId: string;
  params: EntityListParams;
  /** The entity shown next to the list, or ''. */
  selected: string;
  onSelect: (entityId: string) => void;
  onPage: (offset: number) => void;
  onClearFilters: () => void;
}

/** One page of entities, the most mentioned first; picking one shows it. */
export function EntityList({
  tenantId,
  params,
  selected,
  onSelect,
  onPage,
  onClearFilters,
}: EntityListProps) {
  const entities = useEntities(tenantId, params);

  if (entities.isPending) return <ListSkeleton rows={5} label="Loading entities" />;
  if (entities.isError) {
    return <ErrorState error={entities.error} onRetry={() => void entities.refetch()} />;
  }
  if (entities.data.items.length === 0) {
    if (params.offset > 0) {
      return (
        <EmptyState
          title="No entities on this page"
          action={
            <Button variant="secondary" onClick={() => onPage(0)}>
              Go to the first page
            </Button>
          }
        />
      );
    }
    if (params.q || params.type) {
      return (
        <EmptyState
          title="No entities match"
          action={
            <Button variant="secondary" onClick={onClearFilters}>
              Clear filters
            </Button>
          }
        >
          Nothing {params.type ? `of type ${entityTypeLabel(params.type)} ` : ''}
          {params.q ? `has “${params.q}” in its name` : 'is named in the documents'}.
        </EmptyState>
      );
    }
    return (
      <EmptyState title="No entities yet">
        Once a document is indexed, the people, organisations, products, prices and contacts it
        names are extracted here, with the facts that link them.
      </EmptyState>
    );
  }
  return (
    <div>
      <ul aria-label="Entities" className="space-y-0.5">
        {entities.data.items.map((entity) => {
          const active = entity.id === selected;
          return (
            <li key={entity.id}>
              <button
                type="button"
                aria-current={active ? 'true' : undefined}
                onClick={() => onSelect(entity.id)}
                className={`w-full rounded-control px-3 py-1.5 text-left text-sm ${
                  active ? 'bg-brand-50' : 'hover:bg-surface-sunken'
                }`}
              >
                <span className="flex items-baseline justify-between gap-2">
                  <span
                    className={`min-w-0 truncate font-medium ${active ? 'text-brand-700' : 'text-ink'}`}
                  >
                    {entity.name}
                  </span>
                  <span className="shrink-0 text-xs text-ink-muted">
                    {entityTypeLabel(entity.type)}
                  </span>
                </span>
                <span className="block text-xs text-ink-muted">{mentionSummary(entity)}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <Pager
        page={{ limit: params.limit, offset: params.offset }}
        total={entities.data.total}
        onChange={(page) => onPage(page.offset)}
        noun="entities"
      />
    </div>
  );
}
