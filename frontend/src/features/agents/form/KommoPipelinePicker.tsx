import type { PipelineRead, StatusRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { withPipeline, withStage, type KommoScopeValues } from './agentValues';

const HEX = /^#[0-9a-f]{3,8}$/i;

function stageColour(stage: StatusRead): string | undefined {
  return stage.color && HEX.test(stage.color) ? stage.color : undefined;
}

/** A stage the agent answers in or not: pressed, it takes Kommo's (pale) colour of the stage. */
function StageChip({
  stage,
  on,
  onToggle,
}: {
  stage: StatusRead;
  on: boolean;
  onToggle: (on: boolean) => void;
}) {
  const colour = stageColour(stage);
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={() => onToggle(!on)}
      title={stage.type === 1 ? 'Incoming leads (unsorted)' : undefined}
      className={`inline-flex min-h-8 items-center gap-1.5 rounded-pill border px-2.5 py-1 text-xs font-medium ${
        on
          ? 'border-brand-500 text-ink ring-1 ring-brand-500'
          : 'border-surface-strong bg-surface text-ink-muted hover:text-ink'
      }`}
      style={on && colour ? { backgroundColor: colour } : undefined}
    >
      {on ? (
        <span aria-hidden="true">✓</span>
      ) : (
        <span
          aria-hidden="true"
          className="size-2.5 rounded-full border border-surface-strong"
          style={colour ? { backgroundColor: colour } : undefined}
        />
      )}
      {stage.name}
    </button>
  );
}

export interface KommoPipelinePickerProps {
  pipelines: readonly PipelineRead[];
  scope: KommoScopeValues;
  onChange: (scope: KommoScopeValues) => void;
  error?: string | undefined;
}

/** The synced pipelines as checkboxes and, under each one chosen, its stages as toggle chips. */
export function KommoPipelinePicker({
  pipelines,
  scope,
  onChange,
  error,
}: KommoPipelinePickerProps) {
  const known = new Set(pipelines.map((p) => p.kommo_id));
  // Chosen before Kommo lost them (deleted since, or not synced): shown so they can be unticked.
  const missing = scope.pipeline_ids.filter((id) => !known.has(id));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-ink">Pipelines and stages</legend>
      <ul className="space-y-3">
        {pipelines.map((pipeline) => {
          const chosen = scope.pipeline_ids.includes(pipeline.kommo_id);
          return (
            <li key={pipeline.kommo_id}>
              <label className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-brand-600"
                  checked={chosen}
                  onChange={(event) =>
                    onChange(
                      withPipeline(scope, pipelines, pipeline.kommo_id, event.target.checked),
                    )
                  }
                />
                <span className="font-medium text-ink">{pipeline.name}</span>
                {pipeline.is_main ? <Badge tone="brand">Main</Badge> : null}
                {pipeline.is_archive ? <Badge>Archived</Badge> : null}
              </label>
              {chosen ? (
                <div
                  role="group"
                  aria-label={`Stages of ${pipeline.name}`}
                  className="mt-2 ml-7 flex flex-wrap gap-1.5"
                >
                  {pipeline.statuses.map((stage) => (
                    <StageChip
                      key={stage.kommo_id}
                      stage={stage}
                      on={scope.status_ids.includes(stage.kommo_id)}
                      onToggle={(on) => onChange(withStage(scope, stage.kommo_id, on))}
                    />
                  ))}
                </div>
              ) : null}
            </li>
          );
        })}
        {missing.map((id) => (
          <li key={id}>
            <label className="flex items-center gap-3 text-sm">
              <input
                type="checkbox"
                className="size-4 accent-brand-600"
                checked
                onChange={() => onChange(withPipeline(scope, pipelines, id, false))}
              />
              <span className="text-ink">Pipeline {id}</span>
              <span className="text-xs text-ink-muted">not in the synced Kommo data</span>
            </label>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="text-xs text-danger">{error}</p>
      ) : (
        <p className="text-xs text-ink-muted">
          Leads in the chosen pipelines are answered by this agent. No stage picked: every stage of
          those pipelines.
        </p>
      )}
    </fieldset>
  );
}
