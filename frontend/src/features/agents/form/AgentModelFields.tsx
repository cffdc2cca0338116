import { useId } from 'react';

import { useProviderName } from '../../../api/useAiProviders';
import { TextField } from '../../../components/Field';
import { ModelField } from '../../ai/ModelField';
import { ProviderField } from '../../ai/ProviderField';
import { MAX_OUTPUT_TOKENS } from './agentValues';
import type { AgentFieldsProps } from './AgentProfileFields';

/** Which provider and model answer, how freely, and how long a reply may be. */
export function AgentModelFields({
  tenantId,
  values,
  set,
  errors,
}: AgentFieldsProps & { tenantId: string }) {
  const temperatureId = useId();
  const providerName = useProviderName(tenantId, values.provider_id);
  return (
    <div className="grid gap-5 sm:grid-cols-2">
      <ProviderField
        tenantId={tenantId}
        label="Provider"
        value={values.provider_id}
        onChange={(value) => set('provider_id', value)}
        defaultLabel="Workspace default"
        error={errors.provider_id}
        hint="The workspace default is set on the AI page."
      />
      <ModelField
        tenantId={tenantId}
        label="Model"
        value={values.model}
        onChange={(value) => set('model', value)}
        providerName={providerName}
        placeholder="Workspace default"
        error={errors.model}
        hint="Leave empty for the workspace default model."
      />
      <div className="space-y-1.5">
        <label htmlFor={temperatureId} className="block text-sm font-medium text-ink">
          Temperature{' '}
          <span className="font-mono text-ink-muted">{values.temperature.toFixed(1)}</span>
        </label>
        <input
          id={temperatureId}
          type="range"
          min={0}
          max={2}
          step={0.1}
          value={values.temperature}
          onChange={(event) => set('temperature', Math.round(Number(event.target.value) * 10) / 10)}
          aria-describedby={`${temperatureId}-hint`}
          className="block w-full accent-brand-600"
        />
        {errors.temperature ? <p className="text-xs text-danger">{errors.temperature}</p> : null}
        <p id={`${temperatureId}-hint`} className="text-xs text-ink-muted">
          Low: precise and repeatable. High: more varied wording.
        </p>
      </div>
      <TextField
        label="Max output tokens"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_OUTPUT_TOKENS}
        value={values.max_output_tokens}
        onChange={(event) => set('max_output_tokens', event.target.value)}
        error={errors.max_output_tokens}
        hint="The longest reply, in tokens (about ¾ of a word each)."
      />
    </div>
  );
}
