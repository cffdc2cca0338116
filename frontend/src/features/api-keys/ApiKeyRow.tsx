import { useState } from 'react';

import type { ApiKeyRead } from '../../client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';

function ApiKeyStatus({ apiKey }: { apiKey: ApiKeyRead }) {
  // "Expired" as of when the row appeared, so that a re-render does not flip it by itself.
  const [now] = useState(Date.now);
  if (apiKey.revoked_at) {
    return <Badge tone="danger">Revoked {formatDate(apiKey.revoked_at)}</Badge>;
  }
  if (apiKey.expires_at && new Date(apiKey.expires_at).getTime() <= now) {
    return <Badge tone="warning">Expired</Badge>;
  }
  return <Badge tone="success">Active</Badge>;
}

export interface ApiKeyRowProps {
  apiKey: ApiKeyRead;
  canManage: boolean;
  onRevoke: () => void;
}

export function ApiKeyRow({ apiKey, canManage, onRevoke }: ApiKeyRowProps) {
  const active = !apiKey.revoked_at;
  return (
    <tr className={active ? '' : 'text-ink-muted'}>
      <td className="py-3 pr-4">
        <p className="font-medium">{apiKey.name}</p>
        <code className="font-mono text-xs text-ink-muted">{apiKey.prefix}…</code>
      </td>
      <td className="py-3 pr-4">
        <div className="flex flex-wrap gap-1">
          {apiKey.scopes.map((scope) => (
            <Badge key={scope}>{scope}</Badge>
          ))}
        </div>
      </td>
      <td
        className="py-3 pr-4"
        title={apiKey.last_used_at ? formatDateTime(apiKey.last_used_at) : undefined}
      >
        {apiKey.last_used_at ? formatRelative(apiKey.last_used_at) : 'Never'}
      </td>
      <td className="py-3 pr-4">
        <ApiKeyStatus apiKey={apiKey} />
      </td>
      <td className="py-3 text-right">
        {canManage && active ? (
          <Button variant="ghost" size="sm" onClick={onRevoke}>
            Revoke
          </Button>
        ) : null}
      </td>
    </tr>
  );
}
