import { useState, type FormEvent } from 'react';

import type { AiSettingsRead, AiSettingsUpdate, ResolvedRead } from '../../client';
import { formErrors } from '../../api/problem';
import { useProviderName } from '../../api/useAiProviders';
import { embeddingModelChanged, useUpdateAiSettings } from '../../api/useAiSettings';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { EffectiveModel } from './EffectiveModel';
import { ModelField } from './ModelField';
import { ProviderField } from './ProviderField';

const FIELDS = [
  'chat_provider_id',
  'chat_model',
  'embedding_provider_id',
  'embedding_model',
  'monthly_token_budget',
] as const;
type Values = Record<(typeof FIELDS)[number], string>;

function valuesOf(settings: AiSettingsRead): Values {
  return {
    chat_provider_id: settings.chat_provider_id ?? '',
    chat_model: settings.chat_model ?? '',
    embedding_provider_id: settings.embedding_provider_id ?? '',
    embedding_model: settings.embedding_model ?? '',
    monthly_token_budget:
      settings.monthly_token_budget === null ? '' : String(settings.monthly_token_budget),
  };
}

/** The PUT replaces every default, so the whole form is sent ('' becomes null). */
function bodyOf(values: Values): AiSettingsUpdate {
  const text = (value: string) => value.trim() || null;
  return {
    chat_provider_id: values.chat_provider_id || null,
    chat_model: text(values.chat_model),
    embedding_provider_id: values.embedding_provider_id || null,
    embedding_model: text(values.embedding_model),
    monthly_token_budget: values.monthly_token_budget.trim()
      ? Number(values.monthly_token_budget)
      : null,
  };
}

function budgetProblem(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const budget = Number(value);
  return Number.isInteger(budget) && budget >= 1
    ? undefined
    : 'A whole number of tokens, 1 or more';
}

export interface AiDefaultsFormProps {
  tenantId: string;
  settings: AiSettingsRead;
  readOnly: boolean;
  /** Called after a save that changed the embedding model (the knowledge base is re-embedded). */
  onEmbeddingChange?: (embeddings: ResolvedRead) => void;
}

/** The models agents use unless they choose one, the embedding model, and the token budget. */
export function AiDefaultsForm({
  tenantId,
  settings,
  readOnly,
  onEmbeddingChange,
}: AiDefaultsFormProps) {
  const initial = valuesOf(settings);
  const [values, setValues] = useState<Values>(initial);
  const update = useUpdateAiSettings(tenantId);
  const errors = formErrors(update.error, FIELDS);
  const chatProvider = useProviderName(tenantId, values.chat_provider_id);
  const embeddingProvider = useProviderName(tenantId, values.embedding_provider_id);
  const budgetError = budgetProblem(values.monthly_token_budget);
  const dirty = FIELDS.some((field) => values[field] !== initial[field]);

  const set = (field: keyof Values) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!dirty || budgetError) return;
    // Not `mutate`'s callbacks: the page mounts a new form for the saved settings.
    update.mutateAsync(bodyOf(values)).then(
      (saved) => {
        if (embeddingModelChanged(settings.embeddings, saved.embeddings)) {
          onEmbeddingChange?.(saved.embeddings);
        }
      },
      () => undefined,
    );
  }

  return (
    <form onSubmit={submit} className="space-y-6" noValidate>
      <div className="grid gap-3 sm:grid-cols-2">
        <EffectiveModel label="Chat answers with" resolved={settings.chat} />
        <EffectiveModel label="Embeddings come from" resolved={settings.embeddings} />
      </div>
      <fieldset disabled={readOnly} className="grid gap-5 sm:grid-cols-2">
        <ProviderField
          tenantId={tenantId}
          label="Chat provider"
          value={values.chat_provider_id}
          onChange={set('chat_provider_id')}
          defaultLabel="None: the platform default, else offline"
          error={errors.fields.chat_provider_id}
        />
        <ModelField
          tenantId={tenantId}
          label="Chat model"
          value={values.chat_model}
          onChange={set('chat_model')}
          providerName={chatProvider}
          placeholder="The platform's default model"
          error={errors.fields.chat_model}
        />
        <ProviderField
          tenantId={tenantId}
          label="Embedding provider"
          value={values.embedding_provider_id}
          onChange={set('embedding_provider_id')}
          defaultLabel="None: the local model"
          error={errors.fields.embedding_provider_id}
        />
        <ModelField
          tenantId={tenantId}
          label="Embedding model"
          value={values.embedding_model}
          onChange={set('embedding_model')}
          providerName={embeddingProvider}
          placeholder="e.g. text-embedding-3-small"
          error={errors.fields.embedding_model}
          hint="Used only with an embedding provider; changing it means re-indexing knowledge."
        />
        <TextField
          label="Monthly token budget"
          type="number"
          inputMode="numeric"
          min={1}
          value={values.monthly_token_budget}
          onChange={(event) => set('monthly_token_budget')(event.target.value)}
          error={errors.fields.monthly_token_budget ?? budgetError}
          placeholder="No limit"
          hint="Once this month's tokens reach it, calls to AI providers are refused until the next month."
        />
      </fieldset>
      <FormError message={errors.form} />
      {readOnly ? null : (
        <div className="flex items-center gap-3">
          <Button type="submit" loading={update.isPending} disabled={!dirty || !!budgetError}>
            Save defaults
          </Button>
          {dirty ? (
            <Button variant="ghost" onClick={() => setValues(initial)} disabled={update.isPending}>
              Discard
            </Button>
          ) : null}
        </div>
      )}
    </form>
  );
}
