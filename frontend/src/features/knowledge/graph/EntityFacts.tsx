import { Link } from 'react-router-dom';

import type { EntityLink, RelationRead } from '../../../client';
import { entityTypeLabel, predicateLabel } from './graphData';

function EntityName({
  entity,
  selfId,
  onSelect,
}: {
  entity: EntityLink;
  selfId: string;
  onSelect: (entityId: string) => void;
}) {
  if (entity.id === selfId) return <span className="font-semibold text-ink">{entity.name}</span>;
  return (
    <button
      type="button"
      onClick={() => onSelect(entity.id)}
      title={`Show ${entity.name} (${entityTypeLabel(entity.type)})`}
      className="font-medium text-brand-700 hover:underline"
    >
      {entity.name}
    </button>
  );
}

export interface EntityFactsProps {
  entityId: string;
  relations: RelationRead[];
  documentHref: (documentId: string) => string;
  onSelect: (entityId: string) => void;
}

/**
 * The facts about the entity, both ways, strongest first: subject — predicate → object (another
 * entity to show, or a value), each with the document it comes from.
 */
export function EntityFacts({ entityId, relations, documentHref, onSelect }: EntityFactsProps) {
  if (relations.length === 0) {
    return (
      <p className="text-sm text-ink-muted">
        No facts about it yet: the documents name it, but say nothing the extractor could link.
      </p>
    );
  }
  return (
    <ul aria-label="Facts" className="divide-y divide-surface-border">
      {relations.map((relation) => (
        <li key={relation.id} className="space-y-0.5 py-2 text-sm">
          <p className="break-words">
            <EntityName entity={relation.subject} selfId={entityId} onSelect={onSelect} />
            <span className="text-ink-muted"> — {predicateLabel(relation.predicate)} → </span>
            {relation.object ? (
              <EntityName entity={relation.object} selfId={entityId} onSelect={onSelect} />
            ) : (
              <span className="font-medium text-ink">{relation.value}</span>
            )}
          </p>
          <p className="text-xs text-ink-muted">
            from{' '}
            <Link
              to={documentHref(relation.document_id)}
              className="text-brand-700 hover:underline"
            >
              {relation.document_title}
            </Link>
            {' · '}
            <span title="How sure the extractor was">
              {Math.round(relation.confidence * 100)} % confidence
            </span>
          </p>
        </li>
      ))}
    </ul>
  );
}
