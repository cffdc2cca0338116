import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useConnectKommoToken } from '../../../api/useKommo';
import { Button } from '../../../components/Button';
import { FormError, TextAreaField, TextField } from '../../../components/Field';

const FIELDS = ['account_url', 'token'] as const;

export interface LongLivedTokenFormProps {
  tenantId: string;
  /** The account already connected (a reconnect), so only the token needs typing. */
  accountUrl?: string | null;
  submitLabel?: string;
}

/**
 * A private integration's long-lived token and its account's address. The API reads the
 * account with it before storing anything, so a wrong token or address comes back on its field.
 */
export function LongLivedTokenForm({
  tenantId,
  accountUrl,
  submitLabel = 'Connect with token',
}: LongLivedTokenFormProps) {
  const [account, setAccount] = useState(accountUrl ?? '');
  const [token, setToken] = useState('');
  const connect = useConnectKommoToken(tenantId);
  const errors = formErrors(connect.error, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    connect.mutate(
      { account_url: account.trim(), token: token.trim() },
      { onSuccess: () => setToken('') },
    );
  }

  return (
    <form
      onSubmit={submit}
      className="space-y-4"
      noValidate
      aria-label="Connect with a long-lived token"
    >
      <TextField
        label="Account address"
        value={account}
        onChange={(event) => setAccount(event.target.value)}
        error={errors.fields.account_url}
        placeholder="https://yourcompany.kommo.com"
        hint="The address you open Kommo at."
        inputMode="url"
        autoComplete="url"
        maxLength={255}
        required
      />
      <TextAreaField
        label="Long-lived token"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        error={errors.fields.token}
        hint="In Kommo: Settings → Integrations → your private integration → Keys and scopes → Generate long-lived token."
        rows={3}
        spellCheck={false}
        autoComplete="off"
        className="font-mono text-xs"
        maxLength={8192}
        required
      />
      <FormError message={errors.form} />
      <Button type="submit" variant="secondary" loading={connect.isPending}>
        {submitLabel}
      </Button>
    </form>
  );
}
