import type { DocumentListParams } from '../../../api/keys';
import { isDocumentStatus } from '../labels';

export const PAGE_SIZE = 25;

/** What the knowledge page keeps in its URL: the list's filters and page, the open document. */
export interface KnowledgeUrlState extends Omit<DocumentListParams, 'limit'> {
  /** The document shown in the detail drawer, or ''. */
  document: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILTERS = ['q', 'status', 'collection', 'tag'] as const;

function uuidOrEmpty(value: string | null): string {
  return value && UUID.test(value) ? value : '';
}

/**
 * Reads the page's state from its query string. Anything the API would refuse (an unknown
 * status, a collection or document that is not a UUID, a negative offset) reads as unset.
 */
export function readKnowledgeUrl(search: URLSearchParams): KnowledgeUrlState {
  const status = search.get('status') ?? '';
  const offset = Math.floor(Number(search.get('offset')));
  return {
    q: (search.get('q') ?? '').trim(),
    status: isDocumentStatus(status) ? status : '',
    collection: uuidOrEmpty(search.get('collection')),
    tag: (search.get('tag') ?? '').trim(),
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
    document: uuidOrEmpty(search.get('document')),
  };
}

/** The list's query for the API from the page's state. */
export function listParamsOf(state: KnowledgeUrlState, limit = PAGE_SIZE): DocumentListParams {
  return {
    q: state.q,
    status: state.status,
    collection: state.collection,
    tag: state.tag,
    limit,
    offset: state.offset,
  };
}

/**
 * The query string after `next`: empty values and offset 0 are dropped, and a change of any
 * filter goes back to the first page (unless `next` says which page).
 */
export function writeKnowledgeUrl(
  current: URLSearchParams,
  next: Partial<KnowledgeUrlState>,
): URLSearchParams {
  const merged = new URLSearchParams(current);
  const filterChanged = FILTERS.some(
    (key) => key in next && next[key] !== (current.get(key) ?? ''),
  );
  for (const [key, value] of Object.entries(next)) {
    if (value === '' || value === 0) merged.delete(key);
    else merged.set(key, String(value));
  }
  if (filterChanged && !('offset' in next)) merged.delete('offset');
  return merged;
}
