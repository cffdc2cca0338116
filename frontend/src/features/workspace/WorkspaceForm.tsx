import { useState, type FormEvent } from 'react';

import type { TenantRead, TenantUpdate } from '../../client';
import { formErrors } from '../../api/problem';
import { useUpdateWorkspace } from '../../api/useWorkspace';
import { Button } from '../../components/Button';
import { FormError, SelectField, TextField } from '../../components/Field';
import { COMMON_LOCALES, timeZoneOptions } from './choices';

const FIELDS = ['name', 'slug', 'timezone', 'locale'] as const;
type Values = Pick<TenantRead, (typeof FIELDS)[number]>;

/** Only what changed goes into the PATCH. */
function changes(initial: Values, values: Values): TenantUpdate {
  const body: TenantUpdate = {};
  for (const field of FIELDS) {
    if (values[field].trim() !== initial[field]) body[field] = values[field].trim();
  }
  return body;
}

export interface WorkspaceFormProps {
  workspace: TenantRead;
  readOnly: boolean;
}

/** Name, slug, time zone and locale; the API's field errors appear under each field. */
export function WorkspaceForm({ workspace, readOnly }: WorkspaceFormProps) {
  const initial: Values = {
    name: workspace.name,
    slug: workspace.slug,
    timezone: workspace.timezone,
    locale: workspace.locale,
  };
  const [values, setValues] = useState<Values>(initial);
  const update = useUpdateWorkspace(workspace.id);
  const body = changes(initial, values);
  const dirty = Object.keys(body).length > 0;
  const errors = formErrors(update.error, FIELDS);

  function set(field: keyof Values) {
    return (event: { target: { value: string } }) =>
      setValues((current) => ({ ...current, [field]: event.target.value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (dirty) update.mutate(body);
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <fieldset disabled={readOnly} className="space-y-5">
        <TextField
          label="Name"
          value={values.name}
          onChange={set('name')}
          error={errors.fields.name}
          required
          maxLength={200}
        />
        <TextField
          label="Slug"
          value={values.slug}
          onChange={set('slug')}
          error={errors.fields.slug}
          hint="Lower-case letters, digits and dashes; used in links and integrations."
          required
        />
        <SelectField
          label="Time zone"
          value={values.timezone}
          onChange={set('timezone')}
          error={errors.fields.timezone}
          options={timeZoneOptions(values.timezone)}
          hint="Agents use it for working hours and dates they mention."
        />
        <TextField
          label="Locale"
          value={values.locale}
          onChange={set('locale')}
          error={errors.fields.locale}
          list="workspace-locales"
          hint="A language tag such as en, es or pt-BR: the language agents write in by default."
        />
        <datalist id="workspace-locales">
          {COMMON_LOCALES.map((locale) => (
            <option key={locale.tag} value={locale.tag}>
              {locale.name}
            </option>
          ))}
        </datalist>
      </fieldset>
      <FormError message={errors.form} />
      {readOnly ? null : (
        <div className="flex items-center gap-3">
          <Button type="submit" loading={update.isPending} disabled={!dirty}>
            Save changes
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
