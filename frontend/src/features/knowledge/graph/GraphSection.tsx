import { useCallback, useMemo, useState } from 'react';

import type { EntityListParams } from '../../../api/keys';
import { Card } from '../../../components/Card';
import { EntityFilters, type EntityFilterValues } from './EntityFilters';
import { EntityList } from './EntityList';
import { EntityPanel } from './EntityPanel';

export const ENTITY_PAGE_SIZE = 20;

export interface GraphSectionProps {
  tenantId: string;
  documentHref: (documentId: string) => string;
}

/**
 * The knowledge graph: the entities the documents name (searchable, by type, a page at a time)
 * and the one picked, with its neighbourhood, its facts and where it is mentioned. A fact's
 * document opens in the document drawer.
 */
export function GraphSection({ tenantId, documentHref }: GraphSectionProps) {
  const [params, setParams] = useState<EntityListParams>({
    q: '',
    type: '',
    limit: ENTITY_PAGE_SIZE,
    offset: 0,
  });
  const [selected, setSelected] = useState('');
  const filters = useMemo(() => ({ q: params.q, type: params.type }), [params.q, params.type]);
  const changeFilters = useCallback(
    (next: EntityFilterValues) => setParams((current) => ({ ...current, ...next, offset: 0 })),
    [],
  );

  return (
    <Card
      title="Knowledge graph"
      description="People, organisations, products, prices and contacts the documents name, and the facts that link them. Agents get these facts with the passages they find."
    >
      <div className="grid gap-6 md:grid-cols-5">
        <div className="min-w-0 md:col-span-2">
          <EntityFilters value={filters} onChange={changeFilters} />
          <EntityList
            tenantId={tenantId}
            params={params}
            selected={selected}
            onSelect={setSelected}
            onPage={(offset) => setParams((current) => ({ ...current, offset }))}
            onClearFilters={() => changeFilters({ q: '', type: '' })}
          />
        </div>
        <div className="min-w-0 md:col-span-3">
          {selected ? (
            <EntityPanel
              key={selected}
              tenantId={tenantId}
              entityId={selected}
              documentHref={documentHref}
              onSelect={setSelected}
            />
          ) : (
            <p className="rounded-control bg-surface-muted px-4 py-6 text-center text-sm text-ink-muted">
              Pick an entity to see what it is linked to, the facts about it and where the documents
              mention it.
            </p>
          )}
        </div>
      </div>
    </Card>
  );
}
