import { useState } from 'react';
import { useNavigate } from 'react-router-dom';

import type { MemberRead } from '../../client';
import type { PageParams } from '../../api/keys';
import { useChangeMemberRole, useMembers, useRemoveMember } from '../../api/useMembers';
import { useSession } from '../../api/useSession';
import { useWorkspaceRole } from '../../api/useTenants';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Pager } from '../../components/Pager';
import { ListSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { TableScroll } from '../../components/TableScroll';
import { MemberRow } from './MemberRow';

const PAGE_SIZE = 50;

/** Everyone in the workspace, with their role; owners and admins change roles or remove. */
export function MemberTable({ tenantId }: { tenantId: string }) {
  const [page, setPage] = useState<PageParams>({ limit: PAGE_SIZE, offset: 0 });
  const members = useMembers(tenantId, page);
  const { role: myRole } = useWorkspaceRole(tenantId);
  const me = useSession().data?.user?.id;
  const changeRole = useChangeMemberRole(tenantId);
  const remove = useRemoveMember(tenantId);
  const [removing, setRemoving] = useState<MemberRead | null>(null);
  const navigate = useNavigate();

  if (members.isPending) return <ListSkeleton rows={3} label="Loading members" />;
  if (members.isError) {
    return <ErrorState error={members.error} onRetry={() => void members.refetch()} />;
  }
  if (members.data.items.length === 0) {
    return <EmptyState title="No members">Invite someone below.</EmptyState>;
  }

  const busyId = changeRole.isPending ? changeRole.variables.member.id : null;
  return (
    <>
      <TableScroll>
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-ink-muted uppercase">
            <tr>
              <th className="pb-2 font-medium">Member</th>
              <th className="pb-2 font-medium">Role</th>
              <th className="pb-2 font-medium">Joined</th>
              <th className="pb-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-surface-border">
            {members.data.items.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                myRole={myRole}
                isMe={member.user_id === me}
                busy={busyId === member.id}
                onChangeRole={(role) => changeRole.mutate({ member, role })}
                onRemove={() => setRemoving(member)}
              />
            ))}
          </tbody>
        </table>
      </TableScroll>
      <Pager page={page} total={members.data.total} onChange={setPage} noun="members" />
      <ConfirmDialog
        open={removing !== null}
        title={removing?.user_id === me ? 'Leave this workspace?' : 'Remove member?'}
        message={
          removing?.user_id === me
            ? 'You lose access at once; someone must invite you again to come back.'
            : `${removing?.email ?? ''} loses access to this workspace at once.`
        }
        confirmLabel={removing?.user_id === me ? 'Leave' : 'Remove'}
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (!removing) return;
          const leaving = removing.user_id === me;
          remove.mutate(removing, {
            onSettled: () => setRemoving(null),
            // Having left, this workspace is not ours to show any more.
            onSuccess: () => {
              if (leaving) void navigate('/');
            },
          });
        }}
      />
    </>
  );
}
