/** Query keys, in one place so that hooks invalidate each other's data by name. */
export interface PageParams {
  limit: number;
  offset: number;
}

export const queryKeys = {
  session: ['session'] as const,
  tenants: ['tenants'] as const,
  tenant: (tenantId: string) => ['tenants', tenantId] as const,
  workspace: (tenantId: string) => ['tenants', tenantId, 'workspace'] as const,
  featureFlags: (tenantId: string) => ['tenants', tenantId, 'feature-flags'] as const,
  members: (tenantId: string) => ['tenants', tenantId, 'members'] as const,
  membersPage: (tenantId: string, page: PageParams) =>
    ['tenants', tenantId, 'members', page] as const,
  invitations: (tenantId: string) => ['tenants', tenantId, 'invitations'] as const,
  apiKeys: (tenantId: string) => ['tenants', tenantId, 'api-keys'] as const,
  apiKeysPage: (tenantId: string, page: PageParams) =>
    ['tenants', tenantId, 'api-keys', page] as const,
  invitationPreview: (token: string) => ['invitation-preview', token] as const,
};
