import type { RevisionRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { CONFIG_FIELD_NAMES, fieldLabel } from '../labels';
import { revisionNote } from './actors';

export interface RevisionRowProps {
  revision: RevisionRead;
  current: boolean;
  actor: string;
  canRestore: boolean;
  onView: () => void;
  onRestore: () => void;
}

function changedSummary(fields: string[]): string {
  if (fields.length >= CONFIG_FIELD_NAMES.length) return 'All settings';
  return fields.map(fieldLabel).join(', ');
}

/** One version: who made it, when, what it changed. */
export function RevisionRow({
  revision,
  current,
  actor,
  canRestore,
  onView,
  onRestore,
}: RevisionRowProps) {
  const note = revisionNote(revision.note);
  return (
    <li className="flex flex-wrap items-start gap-4 py-3">
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-semibold text-ink">Version {revision.version}</span>
          {current ? <Badge tone="brand">Current</Badge> : null}
          {note ? <span className="text-ink-muted">{note}</span> : null}
        </p>
        <p className="mt-0.5 text-xs text-ink-muted">
          by {actor} ·{' '}
          <time dateTime={revision.created_at} title={formatDateTime(revision.created_at)}>
            {formatRelative(revision.created_at)}
          </time>
        </p>
        {revision.changed_fields.length > 0 ? (
          <p className="mt-1 text-xs text-ink">
            <span className="text-ink-muted">Changed: </span>
            {changedSummary(revision.changed_fields)}
          </p>
        ) : null}
      </div>
      <div className="flex gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={onView}
          aria-label={`View version ${revision.version}`}
        >
          View
        </Button>
        {canRestore && !current ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={onRestore}
            aria-label={`Restore version ${revision.version}`}
          >
            Restore
          </Button>
        ) : null}
      </div>
    </li>
  );
}
