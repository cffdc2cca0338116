import type { ReactNode } from 'react';

import { ApiError } from '../../../api/problem';
import { useEntity } from '../../../api/useKnowledgeGraph';
import { Badge } from '../../../components/Badge';
import { ListSkeleton, Skeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { EntityFacts } from './EntityFacts';
import { EntityMentions } from './EntityMentions';
import { entityTypeLabel, mentionSummary } from './graphData';
import { NeighbourhoodDiagram } from './NeighbourhoodDiagram';

function Part({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <h4 className="text-xs font-semibold text-ink-muted uppercase">{title}</h4>
      {children}
    </section>
  );
}

export interface EntityPanelProps {
  tenantId: string;
  entityId: string;
  documentHref: (documentId: string) => string;
  onSelect: (entityId: string) => void;
}

/** One entity: what it is, what it links to (a diagram and the facts), and where it is named. */
export function EntityPanel({ tenantId, entityId, documentHref, onSelect }: EntityPanelProps) {
  const entity = useEntity(tenantId, entityId);

  if (entity.isPending) {
    return (
      <div className="space-y-4">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="h-48 w-full" />
        <ListSkeleton rows={3} label="Loading facts" />
      </div>
    );
  }
  if (entity.isError) {
    if (entity.error instanceof ApiError && entity.error.status === 404) {
      return (
        <EmptyState title="Entity not found">
          No document names it any more: it went with a deleted or re-extracted document.
        </EmptyState>
      );
    }
    return <ErrorState error={entity.error} onRetry={() => void entity.refetch()} />;
  }

  const data = entity.data;
  return (
    <article aria-label={data.name} className="space-y-5">
      <header className="space-y-1">
        <h3 className="flex flex-wrap items-center gap-2 text-base font-semibold text-ink">
          {data.name}
          <Badge>{entityTypeLabel(data.type)}</Badge>
        </h3>
        {data.description ? <p className="text-sm text-ink-muted">{data.description}</p> : null}
        <p className="text-xs text-ink-muted">{mentionSummary(data)}</p>
      </header>
      <NeighbourhoodDiagram entity={data} onSelect={onSelect} />
      <Part title={`Facts (${data.relations.length})`}>
        <EntityFacts
          entityId={data.id}
          relations={data.relations}
          documentHref={documentHref}
          onSelect={onSelect}
        />
      </Part>
      <Part title="Mentioned in">
        <EntityMentions sources={data.sources} documentHref={documentHref} />
      </Part>
    </article>
  );
}
