import type { AgentTool } from '../../../client';
import { TextField } from '../../../components/Field';
import { TOOLS } from '../labels';
import { MAX_PAUSE_MINUTES } from './agentValues';
import type { AgentFieldsProps } from './AgentProfileFields';

/** What the agent may do besides answering. */
export function AgentToolsField({ values, set, errors }: AgentFieldsProps) {
  function toggle(tool: AgentTool, on: boolean) {
    // Kept in the order of the list, so ticking and unticking leaves no change behind.
    const next = TOOLS.map((t) => t.value).filter((t) =>
      t === tool ? on : values.tools.includes(t),
    );
    set('tools', next);
  }
  return (
    <fieldset className="space-y-2">
      <legend className="sr-only">Tools</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        {TOOLS.map((tool) => (
          <label key={tool.value} className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              className="mt-0.5 size-4 accent-brand-600"
              checked={values.tools.includes(tool.value)}
              onChange={(event) => toggle(tool.value, event.target.checked)}
            />
            <span>
              <span className="font-medium text-ink">{tool.label}</span>
              <span className="block text-ink-muted">{tool.description}</span>
            </span>
          </label>
        ))}
      </div>
      {errors.tools ? <p className="text-xs text-danger">{errors.tools}</p> : null}
      <div className="max-w-xs pt-2">
        <TextField
          label="Quiet after a person answers (minutes)"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_PAUSE_MINUTES}
          value={values.human_pause_minutes}
          onChange={(event) => set('human_pause_minutes', event.target.value)}
          error={errors.human_pause_minutes}
          hint="When a colleague writes in a conversation, the agent stays out of it this long."
        />
      </div>
    </fieldset>
  );
}
