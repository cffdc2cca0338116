import { useId, type ReactNode } from 'react';

import { useAiModels } from '../../api/useAiHealth';
import { TextField } from '../../components/Field';

export interface ModelFieldProps {
  tenantId: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Suggest only this provider's models; null suggests every provider's. */
  providerName: string | null;
  placeholder: string;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}

/**
 * A model name, typed or picked from the models the providers list (`ai/models`). Empty means
 * "the default"; the offline responder and the local model are fallbacks, never picked.
 */
export function ModelField({
  tenantId,
  label,
  value,
  onChange,
  providerName,
  placeholder,
  hint,
  error,
  disabled = false,
}: ModelFieldProps) {
  const listId = useId();
  const models = useAiModels(tenantId);
  const choices = (models.data?.models ?? []).filter(
    (model) => !model.offline && (providerName === null || model.provider === providerName),
  );
  const failures = Object.entries(models.data?.errors ?? {}).filter(
    ([provider]) => providerName === null || provider === providerName,
  );

  let status: ReactNode = null;
  if (models.isPending) status = 'Loading the models the providers offer…';
  else if (models.isError) status = 'The model list did not load; type the model name.';
  else if (choices.length === 0 && failures.length === 0) {
    status = providerName
      ? `${providerName} listed no models; type the model name.`
      : 'No provider lists models yet; type the model name.';
  }

  return (
    <>
      <TextField
        label={label}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        list={listId}
        placeholder={placeholder}
        autoComplete="off"
        error={error}
        disabled={disabled}
        hint={
          <>
            {hint}
            {status ? <span className="block">{status}</span> : null}
            {failures.map(([provider, reason]) => (
              <span key={provider} className="block text-warning-strong">
                Could not list the models of {provider}: {reason}
              </span>
            ))}
          </>
        }
      />
      <datalist id={listId}>
        {choices.map((model) => (
          <option key={`${model.provider}/${model.id}`} value={model.id}>
            {model.provider}
          </option>
        ))}
      </datalist>
    </>
  );
}
