import { Button } from '../../../components/Button';
import { AnswerFacts } from '../AnswerFacts';
import { Citations } from '../Citations';
import { HandoffBanner } from '../HandoffBanner';
import { ToolCallCards } from '../ToolCallCards';
import { handoffOf } from '../toolCalls';
import type { AgentTurn } from './testTurns';

export interface AgentAnswerProps {
  tenantId: string;
  turn: AgentTurn;
  selected: boolean;
  onInspect: () => void;
}

/** One answer of the test chat: its text as it streams, then who wrote it, sources and tools. */
export function AgentAnswer({ tenantId, turn, selected, onInspect }: AgentAnswerProps) {
  const handoff = handoffOf(turn.toolCalls);
  return (
    <div className="max-w-[90%] min-w-0 space-y-2">
      <div
        className={`rounded-card border bg-surface-muted px-4 py-2 text-sm whitespace-pre-wrap break-words text-ink ${selected ? 'border-brand-500' : 'border-surface-border'}`}
      >
        <span className="sr-only">Agent: </span>
        {turn.text}
        {turn.state === 'streaming' ? (
          <span aria-hidden="true" className="ml-0.5 inline-block animate-pulse">
            ▍
          </span>
        ) : null}
        {turn.state === 'streaming' && turn.text === '' ? (
          <span className="text-ink-muted">Thinking…</span>
        ) : null}
      </div>
      {turn.state === 'stopped' ? (
        <p className="text-xs text-ink-muted">Stopped: the partial answer is stored as failed.</p>
      ) : null}
      {turn.state === 'failed' && turn.problem ? (
        <div role="alert" className="rounded-control bg-danger-soft px-3 py-2 text-xs">
          <p className="font-semibold text-danger-strong">{turn.problem.title}</p>
          {turn.problem.detail ? <p className="text-danger-strong">{turn.problem.detail}</p> : null}
        </div>
      ) : null}
      {turn.message ? <AnswerFacts message={turn.message} /> : null}
      {handoff ? <HandoffBanner reason={handoff.reason} summary={handoff.summary} /> : null}
      <Citations tenantId={tenantId} citations={turn.citations} />
      <ToolCallCards calls={turn.toolCalls} />
      {turn.context ? (
        <Button variant="ghost" size="sm" aria-pressed={selected} onClick={onInspect}>
          {selected ? 'Inspecting this answer' : 'Inspect context'}
        </Button>
      ) : null}
    </div>
  );
}
