import { useMembers } from '../../../api/useMembers';
import { useSession } from '../../../api/useSession';

/**
 * Names for revision authors: the API records `user:<id>` or `api_key:<id>`; people are looked
 * up among the workspace's members (someone who left shows as "a former member").
 */
export function useActorName(tenantId: string): (actor: string) => string {
  const members = useMembers(tenantId, { limit: 200, offset: 0 });
  const me = useSession().data?.user?.id;
  return (actor) => {
    const [kind, id] = actor.split(':', 2);
    if (kind === 'api_key') return 'an API key';
    if (kind !== 'user' || !id) return actor;
    if (id === me) return 'you';
    const member = members.data?.items.find((m) => m.user_id === id);
    if (member) return member.name || member.email;
    return members.isPending ? '…' : 'a former member';
  };
}

/** "restored version 2" → "Restored version 2"; the id in "duplicated from <id>" is dropped. */
export function revisionNote(note: string): string {
  if (note.startsWith('duplicated from')) return 'Duplicated from another agent';
  return note ? note.charAt(0).toUpperCase() + note.slice(1) : '';
}
