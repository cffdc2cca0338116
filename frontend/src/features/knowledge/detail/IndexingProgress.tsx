import type { DocumentRead } from '../../../client';
import { documentStatusInfo, indexingStep } from '../labels';

/** Which step of indexing the document is in, and how far along that step. */
export function IndexingProgress({ document }: { document: DocumentRead }) {
  const step = indexingStep(document);
  if (!step) return null;
  const label = documentStatusInfo(document.status).label;
  return (
    <div className="space-y-1.5 rounded-control bg-brand-50 px-4 py-3">
      <p className="flex justify-between text-sm text-brand-800">
        <span className="font-medium">
          {step.step === 0
            ? 'Queued: waiting for a worker'
            : `Step ${step.step} of ${step.of}: ${label}`}
        </span>
        {step.step > 0 ? <span className="tabular-nums">{step.percent} %</span> : null}
      </p>
      <div
        role="progressbar"
        aria-label="Indexing progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={step.percent}
        aria-valuetext={`${label}, ${step.percent} %`}
        className="h-1.5 overflow-hidden rounded-pill bg-surface"
      >
        <div
          className="h-full rounded-pill bg-brand-500 transition-[width] duration-500"
          style={{ width: `${step.percent}%` }}
        />
      </div>
      <p className="text-xs text-brand-800">This page updates by itself.</p>
    </div>
  );
}
