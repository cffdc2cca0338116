import { Card, PageHeader } from '../../components/Card';
import { InviteMemberForm } from '../../features/members/InviteMemberForm';
import { MemberTable } from '../../features/members/MemberTable';
import { PendingInvitationList } from '../../features/members/PendingInvitationList';
import { useTenant } from '../../layout/tenantContext';

export function MembersPage() {
  const { tenantId, role, canManage } = useTenant();
  return (
    <>
      <PageHeader
        title="Members"
        description="Who can open this workspace, and what they may do."
      />
      <div className="space-y-gutter">
        <Card title="Members">
          <MemberTable tenantId={tenantId} />
        </Card>
        {canManage ? (
          <Card
            title="Invite someone"
            description="They get a link to join; it works once and expires after a week."
          >
            <InviteMemberForm tenantId={tenantId} myRole={role} />
          </Card>
        ) : null}
        <Card title="Pending invitations">
          <PendingInvitationList tenantId={tenantId} canManage={canManage} />
        </Card>
      </div>
    </>
  );
}
