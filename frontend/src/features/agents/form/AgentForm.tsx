import { useState, type FormEvent, type ReactNode } from 'react';

import type { AgentUpdate } from '../../../client';
import { formErrors } from '../../../api/problem';
import { Button } from '../../../components/Button';
import { FormError } from '../../../components/Field';
import { CONFIG_FIELD_NAMES } from '../labels';
import { AgentInstructionsFields } from './AgentInstructionsFields';
import { AgentModelFields } from './AgentModelFields';
import { AgentProfileFields } from './AgentProfileFields';
import { AgentToolsField } from './AgentToolsField';
import { agentChanges, localErrors, type AgentValues, type SetAgentValue } from './agentValues';
import { KommoScopeFields } from './KommoScopeFields';
import { WorkingHoursFields } from './WorkingHoursFields';

export interface AgentFormProps {
  tenantId: string;
  initial: AgentValues;
  mode: 'create' | 'edit';
  readOnly: boolean;
  saving: boolean;
  /** The last save's error: its field errors go next to the fields. */
  error: unknown;
  onSubmit: (values: AgentValues, changes: AgentUpdate) => void;
  onDiscard?: () => void;
}

function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-4 border-t border-surface-border pt-6 first:border-t-0 first:pt-0">
      <h3 className="text-sm font-semibold tracking-wide text-ink-muted uppercase">{title}</h3>
      {children}
    </section>
  );
}

/** Every setting of an agent; on edit only what changed is sent. */
export function AgentForm({
  tenantId,
  initial,
  mode,
  readOnly,
  saving,
  error,
  onSubmit,
  onDiscard,
}: AgentFormProps) {
  const [values, setValues] = useState<AgentValues>(initial);
  const changes = agentChanges(initial, values);
  const dirty = Object.keys(changes).length > 0;
  const local = localErrors(values);
  const server = formErrors(error, CONFIG_FIELD_NAMES);
  const errors = { ...local, ...server.fields };
  const blocked = Object.keys(local).length > 0 || values.name.trim() === '';

  const set: SetAgentValue = (key, value) => setValues((current) => ({ ...current, [key]: value }));
  const fields = { values, set, errors };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (blocked || (mode === 'edit' && !dirty)) return;
    onSubmit(values, changes);
  }

  return (
    <form onSubmit={submit} className="space-y-6" noValidate aria-label="Agent settings">
      <fieldset disabled={readOnly} className="space-y-6">
        <FormSection title="Profile">
          <AgentProfileFields {...fields} />
        </FormSection>
        <FormSection title="Instructions">
          <AgentInstructionsFields {...fields} />
        </FormSection>
        <FormSection title="Model">
          <AgentModelFields tenantId={tenantId} {...fields} />
        </FormSection>
        <FormSection title="Tools">
          <AgentToolsField {...fields} />
        </FormSection>
        <FormSection title="Kommo">
          <KommoScopeFields tenantId={tenantId} {...fields} disabled={readOnly} />
        </FormSection>
        <FormSection title="Working hours">
          <WorkingHoursFields {...fields} disabled={readOnly} />
        </FormSection>
      </fieldset>
      <FormError message={server.form} />
      {readOnly ? null : (
        <div className="sticky bottom-0 -mx-gutter flex items-center gap-3 border-t border-surface-border bg-surface px-gutter py-4">
          <Button type="submit" loading={saving} disabled={blocked || (mode === 'edit' && !dirty)}>
            {mode === 'create' ? 'Create agent' : 'Save changes'}
          </Button>
          {mode === 'edit' && dirty ? (
            <>
              <Button
                variant="ghost"
                disabled={saving}
                onClick={() => {
                  setValues(initial);
                  onDiscard?.();
                }}
              >
                Discard
              </Button>
              <span className="text-xs text-ink-muted">
                Unsaved: {Object.keys(changes).length} field
                {Object.keys(changes).length === 1 ? '' : 's'}
              </span>
            </>
          ) : null}
        </div>
      )}
    </form>
  );
}
