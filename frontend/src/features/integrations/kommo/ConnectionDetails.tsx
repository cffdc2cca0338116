import type { ReactNode } from 'react';

import type { KommoStatus } from '../../../client';
import { SecretValue } from '../../../components/CopyButton';
import { formatDateTime, formatRelative } from '../../../lib/format';

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[11rem_1fr] sm:gap-4">
      <dt className="text-sm text-ink-muted">{term}</dt>
      <dd className="min-w-0 text-sm break-words text-ink">{children}</dd>
    </div>
  );
}

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/**
 * The connected account, how we are signed in to it and our webhook there. The webhook's
 * address carries its secret, so only people who may change the connection see it.
 */
export function ConnectionDetails({
  status,
  showWebhookUrl,
}: {
  status: KommoStatus;
  showWebhookUrl: boolean;
}) {
  return (
    <dl className="space-y-3">
      <Row term="Account">
        {status.base_url ? (
          <a
            href={status.base_url}
            target="_blank"
            rel="noreferrer"
            className="font-medium text-brand-700 hover:underline"
          >
            {status.subdomain ?? status.base_url}
          </a>
        ) : (
          (status.subdomain ?? '—')
        )}
        {status.account_id ? (
          <span className="ml-2 text-ink-muted">ID {status.account_id}</span>
        ) : null}
      </Row>
      <Row term="Signed in with">
        {status.auth_kind === 'oauth'
          ? 'Kommo sign-in (OAuth)'
          : status.auth_kind === 'long_lived'
            ? 'Long-lived token'
            : '—'}
      </Row>
      {status.auth_kind === 'oauth' && status.access_expires_at ? (
        <Row term="Access token">
          Renews by itself; the current one expires <When iso={status.access_expires_at} />
        </Row>
      ) : null}
      <Row term="Webhooks">
        {status.webhooks_registered_at ? (
          <>
            Registered <When iso={status.webhooks_registered_at} />
          </>
        ) : (
          <span className="text-warning-strong">Not registered in Kommo</span>
        )}
      </Row>
      {showWebhookUrl && status.webhook_url ? (
        <Row term="Webhook URL">
          <SecretValue value={status.webhook_url} label="Webhook URL" />
          <p className="mt-1 text-xs text-ink-muted">
            Kommo posts the account’s events here. We register it on connect; paste it in Kommo only
            if you manage webhooks by hand. Keep it private.
          </p>
        </Row>
      ) : null}
    </dl>
  );
}
