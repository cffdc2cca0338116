import { useState, type FormEvent } from 'react';

import type { InvitationPreview, SessionRead } from '../../client';
import { formErrors } from '../../api/problem';
import { useAcceptInvitation } from '../../api/useInvitations';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';

export interface AcceptInvitationFormProps {
  token: string;
  preview: InvitationPreview;
  onAccepted: (session: SessionRead) => void;
}

/** Someone with an account confirms with their password; someone new picks a name and password. */
export function AcceptInvitationForm({ token, preview, onAccepted }: AcceptInvitationFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useAcceptInvitation();
  const errors = formErrors(accept.error, ['name', 'password'] as const, { includeGeneral: true });
  const newAccount = !preview.account_exists;

  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate(
      { token, password, ...(newAccount ? { name: name.trim() } : {}) },
      { onSuccess: onAccepted },
    );
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <TextField label="Email" value={preview.email} readOnly disabled />
      {newAccount ? (
        <TextField
          label="Your name"
          autoComplete="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
          maxLength={200}
        />
      ) : null}
      <TextField
        label={newAccount ? 'Choose a password' : 'Your password'}
        type="password"
        autoComplete={newAccount ? 'new-password' : 'current-password'}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields.password}
        hint={
          newAccount ? 'At least 8 characters.' : `The password of your account ${preview.email}.`
        }
        minLength={newAccount ? 8 : undefined}
        required
      />
      <FormError message={errors.form} />
      <Button
        type="submit"
        className="w-full"
        loading={accept.isPending}
        disabled={password === ''}
      >
        {newAccount ? 'Create account and join' : 'Join workspace'}
      </Button>
    </form>
  );
}
