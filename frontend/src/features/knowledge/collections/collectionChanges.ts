import type { CollectionRead, CollectionUpdate } from '../../../client';

/** The PATCH body for what changed in the form (trimmed), or null when nothing did. */
export function collectionChanges(
  collection: Pick<CollectionRead, 'name' | 'description'>,
  form: { name: string; description: string },
): CollectionUpdate | null {
  const body: CollectionUpdate = {};
  const name = form.name.trim();
  const description = form.description.trim();
  if (name !== collection.name) body.name = name;
  if (description !== collection.description) body.description = description;
  return Object.keys(body).length > 0 ? body : null;
}
