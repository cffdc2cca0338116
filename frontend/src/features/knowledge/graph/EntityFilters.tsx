import { useCallback, useMemo } from 'react';

import {
  SearchStatusFilters,
  type SearchStatusValues,
} from '../../../components/SearchStatusFilters';
import type { EntityType } from '../../../client';
import { ENTITY_TYPES } from './graphData';

export interface EntityFilterValues {
  q: string;
  /** An entity type, or '' for every type. */
  type: EntityType | '';
}

/** A name search (sent once typing pauses) and a type select, above the entity list. */
export function EntityFilters({
  value,
  onChange,
}: {
  value: EntityFilterValues;
  onChange: (value: EntityFilterValues) => void;
}) {
  const filters = useMemo(() => ({ q: value.q, status: value.type }), [value.q, value.type]);
  const change = useCallback(
    (next: SearchStatusValues<EntityType>) => onChange({ q: next.q, type: next.status }),
    [onChange],
  );
  return (
    <SearchStatusFilters
      value={filters}
      onChange={change}
      statuses={ENTITY_TYPES}
      noun="entities"
      placeholder="Search by name"
      selectLabel="Entity type"
      allLabel="All types"
    />
  );
}
