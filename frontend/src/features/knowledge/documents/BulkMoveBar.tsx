import { useState } from 'react';

import { useMoveDocuments } from '../../../api/useKnowledge';
import type { CollectionRead, DocumentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { CollectionSelect } from './CollectionSelect';

export interface BulkMoveBarProps {
  tenantId: string;
  selected: readonly DocumentRead[];
  collections: readonly CollectionRead[];
  onDone: () => void;
}

/** "3 selected — move to [collection] [Move]": moves the selected documents together. */
export function BulkMoveBar({ tenantId, selected, collections, onDone }: BulkMoveBarProps) {
  const [target, setTarget] = useState('');
  const move = useMoveDocuments(tenantId);
  const destination = collections.find((c) => c.id === target)?.name ?? 'Outside any collection';

  return (
    <div
      role="region"
      aria-label="Selected documents"
      className="mb-3 flex flex-wrap items-center gap-3 rounded-control bg-brand-50 px-3 py-2 text-sm"
    >
      <span className="font-medium text-brand-800">{selected.length} selected</span>
      <CollectionSelect
        aria-label="Move to collection"
        collections={collections}
        value={target}
        onChange={setTarget}
        noneLabel="Outside any collection"
      />
      <Button
        size="sm"
        loading={move.isPending}
        onClick={() =>
          // The bar goes when the moved documents leave the list, so not `mutate`'s callbacks.
          void move
            .mutateAsync({ documents: selected, collectionId: target || null, destination })
            .then(onDone, () => undefined)
        }
      >
        Move
      </Button>
      <Button size="sm" variant="ghost" onClick={onDone} disabled={move.isPending}>
        Clear selection
      </Button>
    </div>
  );
}
