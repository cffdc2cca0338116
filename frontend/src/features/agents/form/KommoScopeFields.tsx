import { ListInput } from '../../../components/ListInput';
import type { AgentFieldsProps } from './AgentProfileFields';

function pipelineProblem(value: string): string | null {
  return /^[1-9]\d{0,14}$/.test(value) ? null : 'A pipeline id is a positive whole number';
}

/** Which Kommo pipelines and chat channels the agent serves. */
export function KommoScopeFields({
  values,
  set,
  errors,
  disabled,
}: AgentFieldsProps & { disabled: boolean }) {
  const { kommo } = values;
  return (
    <div className="grid gap-5 sm:grid-cols-2">
      <ListInput
        label="Pipelines"
        values={kommo.pipeline_ids.map(String)}
        onChange={(ids) => set('kommo', { ...kommo, pipeline_ids: ids.map(Number) })}
        validate={pipelineProblem}
        inputMode="numeric"
        placeholder="Pipeline id, e.g. 7214562"
        hint="Leads in these Kommo pipelines are answered by this agent."
        error={errors.kommo}
        disabled={disabled}
      />
      <ListInput
        label="Channels"
        values={kommo.channels}
        onChange={(channels) => set('kommo', { ...kommo, channels })}
        validate={(value) => (value.length > 64 ? 'At most 64 characters' : null)}
        placeholder="whatsapp, telegram, instagram…"
        hint="Chat channels the agent answers in. Empty: none yet."
        disabled={disabled}
      />
    </div>
  );
}
