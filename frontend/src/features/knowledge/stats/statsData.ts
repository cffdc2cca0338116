import type { DocumentStatus, KnowledgeStats } from '../../../client';
import { DOCUMENT_STATUSES } from '../labels';

export interface StatusCount {
  status: DocumentStatus;
  label: string;
  tone: (typeof DOCUMENT_STATUSES)[number]['tone'];
  count: number;
}

/** Every status in the order of indexing, with its count (0 when the API leaves it out). */
export function statusCounts(byStatus: KnowledgeStats['documents_by_status']): StatusCount[] {
  return DOCUMENT_STATUSES.map(({ value, label, tone }) => ({
    status: value,
    label,
    tone,
    count: Math.max(0, byStatus[value] ?? 0),
  }));
}

export interface StatusGroups {
  ready: number;
  indexing: number;
  failed: number;
  total: number;
}

/** The statuses as the three things an admin asks: how many work, are coming, are broken. */
export function statusGroups(byStatus: KnowledgeStats['documents_by_status']): StatusGroups {
  const groups = { ready: 0, indexing: 0, failed: 0, total: 0 };
  for (const { status, count } of statusCounts(byStatus)) {
    if (status === 'ready') groups.ready += count;
    else if (status === 'failed') groups.failed += count;
    else groups.indexing += count;
    groups.total += count;
  }
  return groups;
}
