import { useLocation, useNavigate } from 'react-router-dom';

import type { SessionRead } from '../client';
import { ApiError } from '../api/problem';
import { useInvitationPreview } from '../api/useInvitations';
import { FormSkeleton } from '../components/Skeleton';
import { EmptyState, ErrorState } from '../components/States';
import { AcceptInvitationForm } from '../features/invitations/AcceptInvitationForm';
import { formatDateTime } from '../lib/format';
import { AuthLayout } from './AuthLayout';
import { paths } from '../paths';

/** The token travels in the URL's fragment (`/invite#<token>`), which browsers never send to servers. */
function tokenFromHash(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#/, '')).trim();
  } catch {
    return '';
  }
}

export function AcceptInvitationPage() {
  const { hash } = useLocation();
  const navigate = useNavigate();
  const token = tokenFromHash(hash);
  const preview = useInvitationPreview(token);

  if (!token) {
    return (
      <AuthLayout title="Invitation">
        <EmptyState title="This link is incomplete">
          Open the whole link from your invitation; it ends with a long code after “#”.
        </EmptyState>
      </AuthLayout>
    );
  }
  if (preview.isPending) {
    return (
      <AuthLayout title="Invitation">
        <FormSkeleton fields={2} />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    const gone = preview.error instanceof ApiError && preview.error.status === 404;
    return (
      <AuthLayout title="Invitation">
        {gone ? (
          <EmptyState title="This invitation no longer works">
            It was used, revoked or has expired. Ask whoever invited you for a new link.
          </EmptyState>
        ) : (
          <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
        )}
      </AuthLayout>
    );
  }

  const invitation = preview.data;
  function accepted(session: SessionRead) {
    const joined = session.tenants.find((t) => t.name === invitation.tenant_name);
    void navigate(joined ? paths.dashboard(joined.id) : '/', { replace: true });
  }
  return (
    <AuthLayout
      title={`Join ${invitation.tenant_name}`}
      subtitle={
        <>
          You are invited as <strong>{invitation.role}</strong>. The invitation expires{' '}
          {formatDateTime(invitation.expires_at)}.
        </>
      }
    >
      <AcceptInvitationForm token={token} preview={invitation} onAccepted={accepted} />
    </AuthLayout>
  );
}
