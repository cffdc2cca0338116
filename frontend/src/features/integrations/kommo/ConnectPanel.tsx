import { ApiError } from '../../../api/problem';
import { useAuthorizeKommo } from '../../../api/useKommo';
import type { KommoStatus } from '../../../client';
import { Button } from '../../../components/Button';
import { FormError } from '../../../components/Field';
import { LongLivedTokenForm } from './LongLivedTokenForm';

export interface ConnectPanelProps {
  tenantId: string;
  status: KommoStatus;
  /** The account was connected and needs a new sign-in. */
  reconnect?: boolean;
}

function sendTo(url: string): void {
  window.location.assign(url);
}

/**
 * Kommo's consent (this window goes to Kommo and the API's callback brings it back here), or a
 * private integration's long-lived token, which is the only way when the server has no Kommo
 * client id and secret.
 */
export function ConnectPanel({ tenantId, status, reconnect = false }: ConnectPanelProps) {
  const authorize = useAuthorizeKommo(tenantId);
  const notConfigured =
    authorize.error instanceof ApiError && authorize.error.is('kommo-oauth-not-configured');
  const oauth = status.oauth_available && !notConfigured;
  const tokenForm = (
    <LongLivedTokenForm
      tenantId={tenantId}
      accountUrl={status.base_url}
      submitLabel={reconnect ? 'Reconnect with token' : 'Connect with token'}
    />
  );

  if (!oauth) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-ink-muted">
          Signing in through Kommo is not set up on this server (it needs the integration’s client
          id and secret). Connect with a <strong>private integration’s long-lived token</strong>{' '}
          instead: in Kommo, create a private integration, then copy its long-lived token from{' '}
          <em>Keys and scopes</em>.
        </p>
        {tokenForm}
      </div>
    );
  }

  return (
    <div className="space-y-5">
      <div className="space-y-3">
        <p className="text-sm text-ink-muted">
          {reconnect
            ? 'Sign in to Kommo again and allow access; you come back here when it is done.'
            : 'Sign in to Kommo and allow access to your account; you come back here when it is done.'}
        </p>
        <Button
          onClick={() => authorize.mutate(undefined, { onSuccess: ({ url }) => sendTo(url) })}
          loading={authorize.isPending || authorize.isSuccess}
        >
          {reconnect ? 'Reconnect Kommo' : 'Connect Kommo'}
        </Button>
        <FormError
          message={authorize.error && !notConfigured ? authorize.error.message : undefined}
        />
      </div>
      <details className="group rounded-control border border-surface-border px-4 py-3">
        <summary className="cursor-pointer text-sm font-medium text-ink">
          Use a private integration’s long-lived token instead
        </summary>
        <div className="mt-4">{tokenForm}</div>
      </details>
    </div>
  );
}
