import { useRef, useState, type DragEvent } from 'react';

import { ApiError, errorMessage } from '../../api/problem';
import type { DocumentRead } from '../../client';
import { useDocument, useUploadDocument } from '../../api/useKnowledge';
import { DocumentStatusCell } from './DocumentStatus';
import { ACCEPT, SUPPORTED_FORMATS } from './labels';

type Outcome =
  | { state: 'uploading' }
  | { state: 'done'; document: DocumentRead }
  | { state: 'error'; message: string };

interface FileResult {
  key: number;
  name: string;
  outcome: Outcome;
}

/** What went wrong with one file, in words: duplicate, too large, not a supported type. */
function uploadError(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.fieldErrors.map((item) => item.message);
    if (error.status === 409) return `Already uploaded: ${details[0] ?? errorMessage(error)}`;
    if (error.status === 413) return `Too large: ${errorMessage(error)}`;
    if (details.length > 0) return details.join('; ');
  }
  return errorMessage(error);
}

export interface UploadAreaProps {
  tenantId: string;
  /** The collection new documents go into, or ''. */
  collectionId?: string;
}

/** Drop files or pick them; each is uploaded in turn and its outcome listed under the area. */
export function UploadArea({ tenantId, collectionId = '' }: UploadAreaProps) {
  const upload = useUploadDocument(tenantId);
  const input = useRef<HTMLInputElement>(null);
  const nextKey = useRef(0);
  const [dragging, setDragging] = useState(false);
  const [results, setResults] = useState<FileResult[]>([]);

  function setOutcome(key: number, outcome: Outcome) {
    setResults((current) => current.map((r) => (r.key === key ? { ...r, outcome } : r)));
  }

  async function send(files: File[]) {
    const batch = files.map((file) => ({ file, key: nextKey.current++ }));
    setResults((current) => [
      ...batch.map(({ file, key }) => ({
        key,
        name: file.name,
        outcome: { state: 'uploading' } as const,
      })),
      ...current,
    ]);
    for (const { file, key } of batch) {
      try {
        const document = await upload.mutateAsync({
          file,
          ...(collectionId ? { collectionId } : {}),
        });
        setOutcome(key, { state: 'done', document });
      } catch (error) {
        setOutcome(key, { state: 'error', message: uploadError(error) });
      }
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) void send(files);
  }

  return (
    <div className="space-y-3">
      <div
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-card border-2 border-dashed px-6 py-8 text-center text-sm ${
          dragging ? 'border-brand-500 bg-brand-50' : 'border-surface-strong'
        }`}
      >
        <p className="font-medium text-ink">Drop files here</p>
        <p className="mt-1 text-ink-muted">
          or{' '}
          <button
            type="button"
            onClick={() => input.current?.click()}
            className="font-medium text-brand-700 hover:underline"
          >
            choose files
          </button>{' '}
          — {SUPPORTED_FORMATS}
        </p>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          aria-label="Files to upload"
          className="sr-only"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            if (files.length > 0) void send(files);
          }}
        />
      </div>
      {results.length > 0 ? (
        <ul aria-label="Uploads" className="space-y-1 text-sm">
          {results.map((result) => (
            <li key={result.key} className="flex flex-wrap items-baseline gap-2">
              <span className="font-medium text-ink">{result.name}</span>
              {result.outcome.state === 'uploading' ? (
                <span className="text-ink-muted">Uploading…</span>
              ) : result.outcome.state === 'done' ? (
                <UploadedStatus tenantId={tenantId} uploaded={result.outcome.document} />
              ) : (
                <span role="alert" className="text-danger">
                  {result.outcome.message}
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** An uploaded document's status as it moves through indexing (polled while it does). */
function UploadedStatus({ tenantId, uploaded }: { tenantId: string; uploaded: DocumentRead }) {
  const current = useDocument(tenantId, uploaded.id).data ?? uploaded;
  if (current.status === 'failed') {
    return (
      <span role="alert" className="text-danger">
        Failed: {current.last_error ?? 'the file could not be indexed'}
      </span>
    );
  }
  return <DocumentStatusCell document={current} />;
}
