import type { MemberRead, Role } from '../../client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { formatDate } from '../../lib/format';
import { assignableRoles, mayManage, ROLES } from './roles';
import { optionValue } from '../../lib/guards';

export interface MemberRowProps {
  member: MemberRead;
  myRole: Role | null;
  isMe: boolean;
  busy: boolean;
  onChangeRole: (role: Role) => void;
  onRemove: () => void;
}

export function MemberRow({ member, myRole, isMe, busy, onChangeRole, onRemove }: MemberRowProps) {
  const editable = mayManage(myRole, member.role);
  const label = ROLES.find((r) => r.value === member.role)?.label ?? member.role;
  return (
    <tr className="align-middle">
      <td className="py-3 pr-4">
        <p className="font-medium text-ink">
          {member.name || member.email}
          {isMe ? <span className="ml-2 text-xs font-normal text-ink-muted">(you)</span> : null}
        </p>
        {member.name ? <p className="text-xs text-ink-muted">{member.email}</p> : null}
      </td>
      <td className="py-3 pr-4">
        {editable ? (
          <select
            aria-label={`Role of ${member.email}`}
            value={member.role}
            disabled={busy}
            onChange={(event) => {
              const value = optionValue(assignableRoles(myRole), event.target.value);
              if (value) onChangeRole(value);
            }}
            className="rounded-control border border-surface-strong bg-surface px-2 py-1 text-sm"
          >
            {assignableRoles(myRole).map((role) => (
              <option key={role.value} value={role.value}>
                {role.label}
              </option>
            ))}
          </select>
        ) : (
          <Badge tone={member.role === 'member' ? 'neutral' : 'brand'}>{label}</Badge>
        )}
      </td>
      <td className="py-3 pr-4 text-ink-muted">{formatDate(member.created_at)}</td>
      <td className="py-3 text-right">
        {editable || isMe ? (
          <Button variant="ghost" size="sm" onClick={onRemove} disabled={busy}>
            {isMe ? 'Leave' : 'Remove'}
          </Button>
        ) : null}
      </td>
    </tr>
  );
}
