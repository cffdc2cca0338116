import { createContext, useContext } from 'react';

import type { Role, TenantMembershipRead } from '../client';

/** The workspace a page belongs to, and what the signed-in caller may do in it. */
export interface TenantValue {
  tenantId: string;
  tenant: TenantMembershipRead;
  /** null for an API key (it has scopes, not a role). */
  role: Role | null;
  /** Owners and admins change settings, agents and knowledge; members look. */
  canManage: boolean;
}

export const TenantContext = createContext<TenantValue | null>(null);

export function tenantValue(tenant: TenantMembershipRead): TenantValue {
  return {
    tenantId: tenant.id,
    tenant,
    role: tenant.role,
    canManage: tenant.role === 'owner' || tenant.role === 'admin',
  };
}

/**
 * The workspace of the page being shown. The shell provides it once it knows the caller is a
 * member of the workspace in the URL, so a page never renders for a workspace that is not there.
 */
export function useTenant(): TenantValue {
  const value = useContext(TenantContext);
  if (!value) throw new Error('useTenant() outside a workspace page (/manage/:tenantId/...)');
  return value;
}
