import { useState, type FormEvent } from 'react';

import type { ApiKeyCreated } from '../../client';
import { formErrors } from '../../api/problem';
import { useCreateApiKey, useGrantableScopes } from '../../api/useApiKeys';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';
import { Skeleton } from '../../components/Skeleton';
import type { Scope } from './scopes';

export interface CreateApiKeyDialogProps {
  tenantId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (created: ApiKeyCreated) => void;
}

/** Name and scopes of a new key; the key itself is handed to `onCreated` to show once. */
export function CreateApiKeyDialog({
  tenantId,
  open,
  onClose,
  onCreated,
}: CreateApiKeyDialogProps) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['workspace:read']);
  const create = useCreateApiKey(tenantId);
  const grantable = useGrantableScopes(tenantId, open);
  const errors = formErrors(create.error, ['name', 'scopes'] as const);

  function close() {
    setName('');
    setScopes(['workspace:read']);
    create.reset();
    onClose();
  }

  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), scopes },
      {
        onSuccess: (created) => {
          close();
          onCreated(created);
        },
      },
    );
  }

  return (
    <Dialog
      open={open}
      title="Create API key"
      description="For integrators calling the API as this workspace. Give it only the access it needs."
      onClose={create.isPending ? undefined : close}
    >
      <form onSubmit={submit} className="space-y-5" noValidate>
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
          placeholder="Zapier integration"
          maxLength={200}
          required
          data-autofocus
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-ink">Scopes</legend>
          {grantable.isPending ? <Skeleton className="h-24 w-full" /> : null}
          {grantable.isError ? (
            <p className="text-sm text-danger">
              The list of scopes could not be loaded. Close the dialog and try again.
            </p>
          ) : null}
          {(grantable.data ?? []).map((scope) => (
            <label key={scope.name} className="flex items-start gap-3 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-brand-600"
                checked={scopes.includes(scope.name)}
                onChange={(event) => toggle(scope.name, event.target.checked)}
              />
              <span>
                <code className="font-mono text-xs text-ink">{scope.name}</code>
                <span className="block text-ink-muted">{scope.description}</span>
              </span>
            </label>
          ))}
          {errors.fields.scopes ? (
            <p className="text-xs text-danger">{errors.fields.scopes}</p>
          ) : null}
        </fieldset>
        <FormError message={errors.form} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={name.trim() === '' || scopes.length === 0}
          >
            Create key
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
