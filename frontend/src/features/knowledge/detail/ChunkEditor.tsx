import { useState, type FormEvent } from 'react';

import { errorMessage } from '../../../api/problem';
import { useUpdateChunk } from '../../../api/useKnowledgeChunks';
import type { ChunkRead } from '../../../client';
import { Button } from '../../../components/Button';
import { FormError, TextAreaField } from '../../../components/Field';

/** The API's limit on a chunk's text. */
export const MAX_CHUNK_CHARS = 8000;

export interface ChunkEditorProps {
  tenantId: string;
  chunk: ChunkRead;
  onDone: (saved: ChunkRead | null) => void;
}

/** Corrects a passage's text; saving embeds it again before the API answers. */
export function ChunkEditor({ tenantId, chunk, onDone }: ChunkEditorProps) {
  const [text, setText] = useState(chunk.text);
  const update = useUpdateChunk(tenantId);
  const unchanged = text === chunk.text;
  const empty = text.trim() === '';

  function submit(event: FormEvent) {
    event.preventDefault();
    if (unchanged || empty) return;
    update.mutate({ chunk, text }, { onSuccess: (saved) => onDone(saved) });
  }

  return (
    <form onSubmit={submit} className="space-y-2">
      <TextAreaField
        label={`Text of passage ${chunk.index + 1}`}
        rows={8}
        maxLength={MAX_CHUNK_CHARS}
        value={text}
        disabled={update.isPending}
        onChange={(event) => setText(event.target.value)}
        hint={`${text.length.toLocaleString()} / ${MAX_CHUNK_CHARS.toLocaleString()} characters. Saving embeds the passage again, so search finds it by its new words.`}
        className="font-mono text-xs"
      />
      {update.isError ? <FormError message={errorMessage(update.error)} /> : null}
      <div className="flex items-center justify-end gap-2">
        {update.isPending ? (
          <span role="status" className="mr-auto text-xs text-brand-700">
            Saving and embedding again…
          </span>
        ) : null}
        <Button
          variant="secondary"
          size="sm"
          onClick={() => onDone(null)}
          disabled={update.isPending}
        >
          Cancel
        </Button>
        <Button type="submit" size="sm" loading={update.isPending} disabled={unchanged || empty}>
          {update.isPending ? 'Embedding…' : 'Save passage'}
        </Button>
      </div>
    </form>
  );
}
