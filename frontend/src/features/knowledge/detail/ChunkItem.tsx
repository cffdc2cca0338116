import { useState } from 'react';

import type { ChunkRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { pageRange } from '../labels';
import { ChunkEditor } from './ChunkEditor';

export interface ChunkItemProps {
  tenantId: string;
  chunk: ChunkRead;
  canManage: boolean;
  /** Why the passage cannot be edited now (the document is being indexed), or null. */
  locked: string | null;
}

/** One passage as search and agents see it: where it is, its size, its text; Edit corrects it. */
export function ChunkItem({ tenantId, chunk, canManage, locked }: ChunkItemProps) {
  const [editing, setEditing] = useState(false);
  const [reembedded, setReembedded] = useState(false);
  const where = [chunk.heading_path.join(' › '), pageRange(chunk.page_start, chunk.page_end)]
    .filter(Boolean)
    .join(' · ');

  return (
    <li className="space-y-2 py-3" aria-label={`Passage ${chunk.index + 1}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-ink-muted">
          <span className="font-semibold text-ink">#{chunk.index + 1}</span>
          {where ? ` · ${where}` : ''} · {chunk.token_count.toLocaleString()} tokens
        </p>
        <div className="flex items-center gap-2">
          {reembedded ? <Badge tone="success">Embedded again</Badge> : null}
          {canManage && !editing ? (
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Edit passage ${chunk.index + 1}`}
              disabled={locked !== null}
              title={locked ?? undefined}
              onClick={() => setEditing(true)}
            >
              Edit
            </Button>
          ) : null}
        </div>
      </div>
      {editing ? (
        <ChunkEditor
          tenantId={tenantId}
          chunk={chunk}
          onDone={(saved) => {
            setEditing(false);
            if (saved) setReembedded(true);
          }}
        />
      ) : (
        <p className="rounded-control bg-surface-muted px-3 py-2 text-sm break-words whitespace-pre-wrap text-ink">
          {chunk.text}
        </p>
      )}
    </li>
  );
}
