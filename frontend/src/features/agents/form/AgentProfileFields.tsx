import { useId } from 'react';

import { SelectField, TextAreaField, TextField } from '../../../components/Field';
import { COMMON_LOCALES } from '../../workspace/choices';
import { STATUSES } from '../labels';
import type { AgentValues, SetAgentValue } from './agentValues';
import { optionValue } from '../../../lib/guards';

export interface AgentFieldsProps {
  values: AgentValues;
  set: SetAgentValue;
  errors: Partial<Record<keyof AgentValues, string>>;
}

/** Name, description, status and language. */
export function AgentProfileFields({ values, set, errors }: AgentFieldsProps) {
  const locales = useId();
  const status = STATUSES.find((s) => s.value === values.status);
  return (
    <div className="grid gap-5 sm:grid-cols-2">
      <div className="sm:col-span-2">
        <TextField
          label="Name"
          value={values.name}
          onChange={(event) => set('name', event.target.value)}
          error={errors.name}
          placeholder="Sales assistant"
          maxLength={200}
          required
        />
      </div>
      <div className="sm:col-span-2">
        <TextAreaField
          label="Description"
          rows={2}
          value={values.description}
          onChange={(event) => set('description', event.target.value)}
          error={errors.description}
          hint="For your team: what this agent is for."
          maxLength={2000}
        />
      </div>
      <SelectField
        label="Status"
        value={values.status}
        onChange={(event) => {
          const status = optionValue(STATUSES, event.target.value);
          if (status) set('status', status);
        }}
        error={errors.status}
        options={STATUSES}
        hint={status?.description}
      />
      <TextField
        label="Language"
        value={values.language}
        onChange={(event) => set('language', event.target.value)}
        error={errors.language}
        list={locales}
        hint="A language tag such as en, es or pt-BR: the language the agent writes in."
      />
      <datalist id={locales}>
        {COMMON_LOCALES.map((locale) => (
          <option key={locale.tag} value={locale.tag}>
            {locale.name}
          </option>
        ))}
      </datalist>
    </div>
  );
}
