import type { DocumentRead, DocumentStatus } from '../../client';

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

export function isDocumentStatus(value: string): value is DocumentStatus {
  return DOCUMENT_STATUSES.some((s) => s.value === value);
}

/** The steps of indexing in order; queued is before the first. */
const STEPS: readonly DocumentStatus[] = ['parsing', 'chunking', 'embedding'];

/**
 * Where an indexing document is: step 1–3 of 3 with the progress within the step, or step 0
 * while queued. Null for ready and failed documents.
 */
export function indexingStep(
  document: Pick<DocumentRead, 'status' | 'progress'>,
): { step: number; of: number; percent: number } | null {
  if (document.status === 'ready' || document.status === 'failed') return null;
  const percent = Math.round(Math.min(1, Math.max(0, document.progress)) * 100);
  return { step: STEPS.indexOf(document.status) + 1, of: STEPS.length, percent };
}

/** What the upload takes (the server reads the type from the bytes, not the name). */
export const SUPPORTED_FORMATS = 'PDF, DOCX, HTML, Markdown, plain text and CSV';
export const ACCEPT =
  '.pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,application/pdf,text/plain,text/markdown,text/html,text/csv,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** 512 B, 47.1 KB, 3.0 MB, 1.2 GB (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** 950, 12.3K, 4.5M: for counts on cards; the exact number goes in a tooltip. */
export function formatCount(count: number): string {
  return count < 10_000 ? count.toLocaleString() : compact.format(count);
}

/** "p. 4", "pp. 2–3", or null when the format has no pages. */
export function pageRange(start: number | null, end: number | null): string | null {
  if (start === null) return null;
  if (end === null || end === start) return `p. ${start}`;
  return `pp. ${start}–${end}`;
}

/** Where a document came from, in words. */
export function documentSource(
  document: Pick<DocumentRead, 'source_kind' | 'filename' | 'source_url'>,
): string {
  if (document.source_kind === 'text') return 'Pasted text';
  if (document.source_kind === 'url') return document.source_url ?? 'Web page';
  return document.filename ?? 'Uploaded file';
}

/** The API's limits on tags (see the knowledge schemas). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 64;

export function tagProblem(tag: string, current: readonly string[]): string | null {
  if (tag.length > MAX_TAG_LENGTH) return `A tag has at most ${MAX_TAG_LENGTH} characters`;
  if (current.length >= MAX_TAGS) return `A document has at most ${MAX_TAGS} tags`;
  return null;
}
