import type { SelectHTMLAttributes } from 'react';

import type { CollectionRead } from '../../../client';

export interface CollectionSelectProps extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'value' | 'onChange'
> {
  collections: readonly CollectionRead[];
  /** A collection's id, or '' for none. */
  value: string;
  onChange: (collectionId: string) => void;
  /** The label of the '' choice. */
  noneLabel?: string;
}

/** A bare select of the workspace's collections (for use next to other controls). */
export function CollectionSelect({
  collections,
  value,
  onChange,
  noneLabel = 'No collection',
  className = '',
  ...rest
}: CollectionSelectProps) {
  return (
    <select
      value={value}
      onChange={(event) => onChange(event.target.value)}
      className={`rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm text-ink ${className}`}
      {...rest}
    >
      <option value="">{noneLabel}</option>
      {collections.map((collection) => (
        <option key={collection.id} value={collection.id}>
          {collection.name}
        </option>
      ))}
    </select>
  );
}
