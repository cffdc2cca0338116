import type { InvitationCreated } from '../../client';
import { Button } from '../../components/Button';
import { SecretValue } from '../../components/CopyButton';
import { formatDateTime } from '../../lib/format';

export interface InvitationLinkPanelProps {
  invitation: InvitationCreated;
  onDone: () => void;
}

/** The invite link, shown once: the API keeps only a hash of its token. */
export function InvitationLinkPanel({ invitation, onDone }: InvitationLinkPanelProps) {
  return (
    <div
      role="status"
      className="space-y-3 rounded-card border border-success/30 bg-success-soft p-4"
    >
      <p className="text-sm font-semibold text-success-strong">
        Invitation for {invitation.email} ({invitation.role})
      </p>
      <p className="text-sm text-ink">
        Send this link to them. It is shown only now and works until{' '}
        {formatDateTime(invitation.expires_at)}.
      </p>
      <SecretValue value={invitation.accept_url} label="Invite link" />
      <Button variant="secondary" size="sm" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
