import { useState, type FormEvent } from 'react';

import type { ProviderCreate, ProviderKind, ProviderRead, ProviderUpdate } from '../../client';
import { formErrors } from '../../api/problem';
import { useCreateAiProvider, useUpdateAiProvider } from '../../api/useAiProviders';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, SelectField, TextField } from '../../components/Field';
import { maskedKey, PROVIDER_KINDS } from './providerKinds';
import { optionValue } from '../../lib/guards';

const FIELDS = ['name', 'kind', 'base_url', 'api_key', 'clear_api_key'] as const;

export interface ProviderDialogProps {
  tenantId: string;
  /** The provider to edit; null adds one. */
  provider: ProviderRead | null;
  onClose: () => void;
}

/**
 * Adds or edits a provider. The key is write-only: it is typed, sent and forgotten; editing
 * shows only its last four characters and keeps it unless a new one is typed.
 */
export function ProviderDialog({ tenantId, provider, onClose }: ProviderDialogProps) {
  const editing = provider !== null;
  const [name, setName] = useState(provider?.name ?? '');
  const [kind, setKind] = useState<ProviderKind>(provider?.kind ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(provider?.base_url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [clearKey, setClearKey] = useState(false);
  const create = useCreateAiProvider(tenantId);
  const update = useUpdateAiProvider(tenantId);
  const mutation = editing ? update : create;
  const errors = formErrors(mutation.error, FIELDS);
  const kindInfo = PROVIDER_KINDS.find((k) => k.value === kind);
  const compatible = kind === 'compatible';
  const needsKey = !editing && !compatible;
  const ready =
    name.trim() !== '' && (!compatible || baseUrl.trim() !== '') && (!needsKey || apiKey !== '');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    if (!provider) {
      const body: ProviderCreate = {
        name: name.trim(),
        kind,
        ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
        ...(apiKey ? { api_key: apiKey } : {}),
      };
      create.mutate(body, { onSuccess: onClose });
      return;
    }
    const body: ProviderUpdate = {};
    if (name.trim() !== provider.name) body.name = name.trim();
    if (baseUrl.trim() && baseUrl.trim() !== provider.base_url) body.base_url = baseUrl.trim();
    if (apiKey) body.api_key = apiKey;
    else if (clearKey) body.clear_api_key = true;
    update.mutate({ id: provider.id, body }, { onSuccess: onClose });
  }

  const keyHint = editing
    ? provider.has_api_key
      ? `Leave empty to keep the stored key (${maskedKey(provider)}).`
      : 'No key is stored. Type one to add it.'
    : compatible
      ? 'Optional: only for servers that ask for one.'
      : 'Stored encrypted; after saving only its last four characters are shown.';

  return (
    <Dialog
      open
      title={editing ? `Edit ${provider.name}` : 'Add an AI provider'}
      description="Agents and the workspace defaults can then use its models."
      onClose={mutation.isPending ? undefined : onClose}
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
          placeholder="OpenAI production"
          maxLength={100}
          required
          data-autofocus
        />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(event) => {
            const value = optionValue(PROVIDER_KINDS, event.target.value);
            if (value) setKind(value);
          }}
          options={PROVIDER_KINDS}
          error={errors.fields.kind}
          disabled={editing}
          hint={editing ? 'The kind cannot change; add another provider instead.' : undefined}
        />
        <TextField
          label="Base URL"
          type="url"
          value={baseUrl}
          onChange={(event) => setBaseUrl(event.target.value)}
          error={errors.fields.base_url}
          placeholder={kindInfo?.defaultBaseUrl ?? 'http://localhost:11434/v1'}
          required={compatible}
          hint={
            compatible
              ? 'Required: the OpenAI-compatible endpoint of Ollama, vLLM, LM Studio, …'
              : `Optional: leave empty for ${kindInfo?.defaultBaseUrl ?? 'the default'}.`
          }
        />
        <TextField
          label="API key"
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          error={errors.fields.api_key}
          placeholder={editing && provider.has_api_key ? maskedKey(provider) : ''}
          required={needsKey}
          disabled={clearKey}
          hint={keyHint}
        />
        {editing && provider.kind === 'compatible' && provider.has_api_key ? (
          <label className="flex items-center gap-2 text-sm text-ink">
            <input
              type="checkbox"
              className="size-4 accent-brand-600"
              checked={clearKey}
              onChange={(event) => {
                setClearKey(event.target.checked);
                if (event.target.checked) setApiKey('');
              }}
            />
            Remove the stored key
          </label>
        ) : null}
        {errors.fields.clear_api_key ? (
          <p className="text-xs text-danger">{errors.fields.clear_api_key}</p>
        ) : null}
        <FormError message={errors.form} />
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={!ready}>
            {editing ? 'Save provider' : 'Add provider'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
