import type { Role } from '../../client';

export const ROLES: readonly { value: Role; label: string; description: string }[] = [
  { value: 'owner', label: 'Owner', description: 'Everything, including ownership' },
  { value: 'admin', label: 'Admin', description: 'Settings, members and API keys' },
  { value: 'member', label: 'Member', description: 'Sees the workspace, changes nothing' },
];

/** Mirrors the API: only owners hand out or take away ownership. */
export function mayManage(actor: Role | null, target: Role): boolean {
  if (actor !== 'owner' && actor !== 'admin') return false;
  return target !== 'owner' || actor === 'owner';
}

export function assignableRoles(actor: Role | null): typeof ROLES {
  return ROLES.filter((role) => role.value !== 'owner' || actor === 'owner');
}
