import { useState, type FormEvent } from 'react';

import type { SessionRead } from '../../client';
import { formErrors } from '../../api/problem';
import { useLogin } from '../../api/useSession';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';

/** Email and password; every failure (wrong password, too many tries) is shown in the form. */
export function LoginForm({ onSignedIn }: { onSignedIn: (session: SessionRead) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const errors = formErrors(login.error, ['email', 'password'] as const, { includeGeneral: true });

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password }, { onSuccess: onSignedIn });
  }

  return (
    <form onSubmit={submit} className="space-y-5" noValidate>
      <TextField
        label="Email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.fields.email}
        required
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields.password}
        required
      />
      <FormError message={errors.form} />
      <Button
        type="submit"
        className="w-full"
        loading={login.isPending}
        disabled={email.trim() === '' || password === ''}
      >
        Sign in
      </Button>
    </form>
  );
}
