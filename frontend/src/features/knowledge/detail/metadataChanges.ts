import type { DocumentRead, DocumentUpdate } from '../../../client';

export interface MetadataValues {
  title: string;
  /** A collection's id, or '' for none. */
  collectionId: string;
  tags: string[];
}

export function metadataOf(document: Pick<DocumentRead, 'title' | 'collection_id' | 'tags'>) {
  return {
    title: document.title,
    collectionId: document.collection_id ?? '',
    tags: [...document.tags],
  } satisfies MetadataValues;
}

/** Tags as the API stores them: trimmed, without empties and duplicates, sorted. */
export function normalTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort();
}

/**
 * The PATCH body for what the form changed, or null when nothing did. Tags compare as sets
 * (order does not matter); an emptied collection is sent as `null`, which takes the document
 * out of its collection.
 */
export function metadataChanges(
  document: Pick<DocumentRead, 'title' | 'collection_id' | 'tags'>,
  values: MetadataValues,
): DocumentUpdate | null {
  const body: DocumentUpdate = {};
  const title = values.title.trim();
  if (title !== '' && title !== document.title) body.title = title;
  if (values.collectionId !== (document.collection_id ?? '')) {
    body.collection_id = values.collectionId || null;
  }
  const tags = normalTags(values.tags);
  if (tags.join('\u0000') !== normalTags(document.tags).join('\u0000')) body.tags = tags;
  return Object.keys(body).length > 0 ? body : null;
}
