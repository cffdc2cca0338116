import { Badge } from '../../components/Badge';
import { argumentsLine, type ToolCallRecord } from './toolCalls';

const TOOL_LABELS: Record<string, string> = {
  knowledge_search: 'Knowledge search',
  memory_lookup: 'Memory lookup',
  handoff: 'Hand-off',
  move_stage: 'Move stage',
  add_note: 'Add note',
  create_task: 'Create task',
  update_field: 'Update field',
};

const OUTCOMES: Record<
  string,
  { tone: 'neutral' | 'success' | 'warning' | 'danger'; text: string }
> = {
  dry_run: { tone: 'warning', text: 'Dry run' },
  done: { tone: 'success', text: 'Sent' },
  failed: { tone: 'danger', text: 'Failed' },
  not_connected: { tone: 'neutral', text: 'No CRM connected' },
};

function StatusBadge({ status }: { status: string }) {
  if (status === 'ok') return <Badge tone="success">ok</Badge>;
  return <Badge tone={status === 'refused' ? 'warning' : 'danger'}>{status}</Badge>;
}

function ToolCallCard({ call }: { call: ToolCallRecord }) {
  const action = call.action;
  const outcome = action
    ? (OUTCOMES[action.outcome] ?? { tone: 'neutral', text: action.outcome })
    : null;
  return (
    <li className="min-w-0 rounded-control border border-surface-border bg-surface px-3 py-2 text-xs">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold text-ink">{TOOL_LABELS[call.name] ?? call.name}</span>
        {outcome ? (
          <Badge tone={outcome.tone}>{outcome.text}</Badge>
        ) : (
          <StatusBadge status={call.status} />
        )}
      </div>
      {action ? (
        <div className="mt-1 space-y-1">
          <p className="text-ink-muted">
            {action.outcome === 'dry_run'
              ? 'Dry run: nothing was sent. It would send:'
              : action.outcome === 'done'
                ? 'Sent to the CRM:'
                : action.detail || 'Not sent:'}
          </p>
          <pre className="overflow-x-auto rounded-control bg-surface-sunken px-2 py-1 font-mono whitespace-pre-wrap break-all text-ink">
            {JSON.stringify(action.request, null, 2)}
          </pre>
        </div>
      ) : (
        <>
          <p className="mt-1 break-words text-ink-muted">{argumentsLine(call.arguments)}</p>
          {call.result ? (
            <p className="mt-1 line-clamp-3 break-words text-ink">{call.result}</p>
          ) : null}
        </>
      )}
    </li>
  );
}

/** What an answer's tool calls did; a CRM action in a test says what it would have sent. */
export function ToolCallCards({ calls }: { calls: readonly ToolCallRecord[] }) {
  if (calls.length === 0) return null;
  return (
    <ul aria-label="Tool calls" className="space-y-2">
      {calls.map((call) => (
        <ToolCallCard key={call.id} call={call} />
      ))}
    </ul>
  );
}
