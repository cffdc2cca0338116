import type { DocumentRead } from '../../client';
import { Badge } from '../../components/Badge';
import { isIndexing } from '../../api/useKnowledge';
import { documentStatusInfo } from './labels';

/** The status badge and, while indexing, a bar of the progress within the current step. */
export function DocumentStatusCell({ document }: { document: DocumentRead }) {
  const info = documentStatusInfo(document.status);
  const percent = Math.round(Math.min(1, Math.max(0, document.progress)) * 100);
  return (
    <div className="space-y-1.5">
      <Badge tone={info.tone}>{info.label}</Badge>
      {isIndexing(document) ? (
        <div
          role="progressbar"
          aria-label={`${document.title}: ${info.label.toLowerCase()}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-1.5 w-28 overflow-hidden rounded-pill bg-surface-sunken"
        >
          <div
            className="h-full rounded-pill bg-brand-500 transition-[width] duration-500"
            style={{ width: `${percent}%` }}
          />
        </div>
      ) : null}
    </div>
  );
}
