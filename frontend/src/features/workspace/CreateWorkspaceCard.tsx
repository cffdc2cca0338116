import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';

import { formErrors } from '../../api/problem';
import { useCreateTenant } from '../../api/useTenants';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { FormError, TextField } from '../../components/Field';
import { paths } from '../../paths';

/** A new workspace owned by the caller; the slug is derived from the name unless given. */
export function CreateWorkspaceCard() {
  const [name, setName] = useState('');
  const create = useCreateTenant();
  const navigate = useNavigate();
  const errors = formErrors(create.error, ['name'] as const);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' },
      { onSuccess: (tenant) => void navigate(paths.dashboard(tenant.id)) },
    );
  }

  return (
    <Card title="Create a workspace">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          label="Workspace name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
          placeholder="Acme Sales"
          required
        />
        <FormError message={errors.form} />
        <Button type="submit" loading={create.isPending} disabled={name.trim() === ''}>
          Create workspace
        </Button>
      </form>
    </Card>
  );
}
