import { renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';

import type { TenantMembershipRead } from '../client';
import { TenantContext, tenantValue, useTenant } from './tenantContext';

const membership = (role: TenantMembershipRead['role']): TenantMembershipRead => ({
  id: 't1',
  name: 'Acme Sales',
  slug: 'acme-sales',
  role,
});

function inWorkspace(tenant: TenantMembershipRead) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <TenantContext value={tenantValue(tenant)}>{children}</TenantContext>;
  };
}

describe('useTenant', () => {
  it('gives the workspace, the role and whether the caller may change things', () => {
    const owner = renderHook(() => useTenant(), { wrapper: inWorkspace(membership('owner')) });
    expect(owner.result.current).toMatchObject({
      tenantId: 't1',
      tenant: { name: 'Acme Sales' },
      role: 'owner',
      canManage: true,
    });
    const admin = renderHook(() => useTenant(), { wrapper: inWorkspace(membership('admin')) });
    expect(admin.result.current.canManage).toBe(true);
    const member = renderHook(() => useTenant(), { wrapper: inWorkspace(membership('member')) });
    expect(member.result.current.canManage).toBe(false);
    const apiKey = renderHook(() => useTenant(), { wrapper: inWorkspace(membership(null)) });
    expect(apiKey.result.current).toMatchObject({ role: null, canManage: false });
  });

  it('refuses to guess outside a workspace page', () => {
    expect(() => renderHook(() => useTenant())).toThrow(/outside a workspace page/);
  });
});
