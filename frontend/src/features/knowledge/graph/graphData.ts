import { isIndexing } from '../../../api/useKnowledge';
import { isExtracting } from '../../../api/useKnowledgeGraph';
import type {
  ChunkMention,
  DocumentRead,
  EntityDetail,
  EntityLink,
  EntityType,
  ExtractionStatus,
  GraphExtractionRead,
  RelationRead,
} from '../../../client';

type Tone = 'neutral' | 'brand' | 'success' | 'danger';

export const ENTITY_TYPES: readonly { value: EntityType; label: string }[] = [
  { value: 'person', label: 'Person' },
  { value: 'organization', label: 'Organisation' },
  { value: 'product', label: 'Product' },
  { value: 'place', label: 'Place' },
  { value: 'price', label: 'Price' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'url', label: 'Web address' },
  { value: 'other', label: 'Other' },
];

export function entityTypeLabel(type: string): string {
  return ENTITY_TYPES.find((t) => t.value === type)?.label ?? type;
}

/** A document's extraction, in words; null: not extracted yet (the document is not indexed). */
export function extractionStatusInfo(status: ExtractionStatus | null): {
  label: string;
  tone: Tone;
} {
  switch (status) {
    case 'queued':
      return { label: 'Queued', tone: 'neutral' };
    case 'running':
      return { label: 'Extracting', tone: 'brand' };
    case 'ready':
      return { label: 'Ready', tone: 'success' };
    case 'failed':
      return { label: 'Failed', tone: 'danger' };
    default:
      return { label: 'Not extracted yet', tone: 'neutral' };
  }
}

/** A stored predicate for people to read, as the API writes facts: shipping_time → shipping time. */
export function predicateLabel(predicate: string): string {
  return predicate.replace(/_/g, ' ');
}

/** A fact's object: the entity, or the literal value ("2 years"). */
export function factObject(relation: Pick<RelationRead, 'object' | 'value'>): string {
  return relation.object?.name ?? relation.value ?? '';
}

/** An entity linked to the one shown by one or more facts, for the neighbourhood diagram. */
export interface Neighbour extends EntityLink {
  /** The facts' predicates, readable and without repeats, in the order first seen. */
  predicates: string[];
  /** The shown entity is the subject of some of the facts (an arrow towards the neighbour). */
  outgoing: boolean;
  /** ...and the object of some (an arrow towards the shown entity). */
  incoming: boolean;
  facts: number;
}

/**
 * The entities directly linked to `entity` by its facts, most facts first (then by name); at
 * most `max`, with how many more there are. Facts whose object is a value, and facts about the
 * entity itself, link to no other entity and are left out.
 */
export function neighbourhood(
  entity: Pick<EntityDetail, 'id' | 'relations'>,
  max = 10,
): { neighbours: Neighbour[]; hidden: number } {
  const byId = new Map<string, Neighbour>();
  for (const relation of entity.relations) {
    const outgoing = relation.direction === 'outgoing';
    const other = outgoing ? relation.object : relation.subject;
    if (!other || other.id === entity.id) continue;
    const neighbour = byId.get(other.id) ?? {
      ...other,
      predicates: [],
      outgoing: false,
      incoming: false,
      facts: 0,
    };
    const predicate = predicateLabel(relation.predicate);
    if (!neighbour.predicates.includes(predicate)) neighbour.predicates.push(predicate);
    if (outgoing) neighbour.outgoing = true;
    else neighbour.incoming = true;
    neighbour.facts += 1;
    byId.set(other.id, neighbour);
  }
  const all = [...byId.values()].sort((a, b) => b.facts - a.facts || a.name.localeCompare(b.name));
  return { neighbours: all.slice(0, max), hidden: Math.max(0, all.length - max) };
}

export interface Point {
  x: number;
  y: number;
  /** The direction from the centre, in radians (0: to the right, clockwise as y grows down). */
  angle: number;
}

/** `count` points evenly round a circle, the first straight above the centre, clockwise. */
export function radialLayout(count: number, cx: number, cy: number, radius: number): Point[] {
  return Array.from({ length: count }, (_, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / count;
    return {
      x: Math.round((cx + radius * Math.cos(angle)) * 10) / 10,
      y: Math.round((cy + radius * Math.sin(angle)) * 10) / 10,
      angle,
    };
  });
}

/** At most `max` characters, an ellipsis in place of the rest. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** "12 mentions in 3 documents". */
export function mentionSummary(entity: { mention_count: number; document_count: number }): string {
  const mentions = entity.mention_count === 1 ? '1 mention' : `${entity.mention_count} mentions`;
  const documents =
    entity.document_count === 1 ? '1 document' : `${entity.document_count} documents`;
  return `${mentions} in ${documents}`;
}

/** "passage 3 (×2)", or a passage that a new indexing is replacing (its id is gone). */
export function chunkMentionLabel(chunk: ChunkMention): string {
  const where =
    chunk.chunk_index === null ? 'a passage being reindexed' : `passage ${chunk.chunk_index + 1}`;
  return chunk.count > 1 ? `${where} (×${chunk.count})` : where;
}

/** Why facts cannot be extracted again now, or null when they can. */
export function extractBlocker(
  document: Pick<DocumentRead, 'status' | 'chunk_count'>,
  extraction: Pick<GraphExtractionRead, 'status'>,
): string | null {
  if (isIndexing(document)) return 'The document is being indexed; its facts follow.';
  if (document.chunk_count === 0) return 'The document has no indexed text to extract from.';
  if (isExtracting(extraction)) return 'Facts are being extracted already.';
  return null;
}
