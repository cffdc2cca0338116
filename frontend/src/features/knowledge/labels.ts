import type { DocumentStatus } from '../../client';

type Tone = 'neutral' | 'brand' | 'success' | 'danger';

export const DOCUMENT_STATUSES: readonly { value: DocumentStatus; label: string; tone: Tone }[] = [
  { value: 'queued', label: 'Queued', tone: 'neutral' },
  { value: 'parsing', label: 'Reading', tone: 'brand' },
  { value: 'chunking', label: 'Splitting', tone: 'brand' },
  { value: 'embedding', label: 'Embedding', tone: 'brand' },
  { value: 'ready', label: 'Ready', tone: 'success' },
  { value: 'failed', label: 'Failed', tone: 'danger' },
];

export function documentStatusInfo(status: DocumentStatus) {
  return DOCUMENT_STATUSES.find((s) => s.value === status) ?? DOCUMENT_STATUSES[0]!;
}

/** What the upload takes (the server reads the type from the bytes, not the name). */
export const SUPPORTED_FORMATS = 'PDF, DOCX, HTML, Markdown, plain text and CSV';
export const ACCEPT =
  '.pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,application/pdf,text/plain,text/markdown,text/html,text/csv,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
