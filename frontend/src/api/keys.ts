import type {
  AgentStatus,
  Channel,
  ConversationStatus,
  DocumentStatus,
  EntityType,
  WebhookEventStatus,
} from '../client';

/** Query keys, in one place so that hooks invalidate each other's data by name. */
export interface PageParams {
  limit: number;
  offset: number;
}

/** The agents list's filters and page (empty strings: no filter). */
export interface AgentListParams extends PageParams {
  q: string;
  status: AgentStatus | '';
}

/**
 * The knowledge documents list's filters and page (empty strings: no filter): `q` searches
 * titles and file names, `collection` is a collection's id, `tag` one tag.
 */
export interface DocumentListParams extends PageParams {
  q: string;
  status: DocumentStatus | '';
  collection: string;
  tag: string;
}

/** The knowledge graph's entity list: text in the name and one type (empty strings: no filter). */
export interface EntityListParams extends PageParams {
  q: string;
  type: EntityType | '';
}

/** The conversations list's filters and page (empty strings: no filter). */
export interface ConversationListParams extends PageParams {
  channel: Channel | '';
  status: ConversationStatus | '';
  agent: string;
}

/** The Kommo webhook events list's filters and page (empty strings: no filter). */
export interface KommoEventListParams extends PageParams {
  status: WebhookEventStatus | '';
  kind: string;
}

/** A range of UTC days, `YYYY-MM-DD`, both ends included. */
export interface DayRange {
  since: string;
  until: string;
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
  apiKeyScopes: (tenantId: string) => ['tenants', tenantId, 'api-key-scopes'] as const,
  apiKeysPage: (tenantId: string, page: PageParams) =>
    ['tenants', tenantId, 'api-keys', page] as const,
  invitationPreview: (token: string) => ['invitation-preview', token] as const,
  agents: (tenantId: string) => ['tenants', tenantId, 'agents'] as const,
  agentLists: (tenantId: string) => ['tenants', tenantId, 'agents', 'list'] as const,
  agentList: (tenantId: string, params: AgentListParams) =>
    ['tenants', tenantId, 'agents', 'list', params] as const,
  agent: (tenantId: string, agentId: string) =>
    ['tenants', tenantId, 'agents', 'detail', agentId] as const,
  agentRevisions: (tenantId: string, agentId: string) =>
    ['tenants', tenantId, 'agents', 'revisions', agentId] as const,
  agentRevisionsPage: (tenantId: string, agentId: string, page: PageParams) =>
    ['tenants', tenantId, 'agents', 'revisions', agentId, page] as const,
  agentRevision: (tenantId: string, agentId: string, version: number) =>
    ['tenants', tenantId, 'agents', 'revisions', agentId, 'version', version] as const,
  knowledge: (tenantId: string) => ['tenants', tenantId, 'knowledge'] as const,
  knowledgeDocuments: (tenantId: string) =>
    ['tenants', tenantId, 'knowledge', 'documents'] as const,
  knowledgeDocumentList: (tenantId: string, params: DocumentListParams) =>
    ['tenants', tenantId, 'knowledge', 'documents', 'list', params] as const,
  knowledgeDocument: (tenantId: string, documentId: string) =>
    ['tenants', tenantId, 'knowledge', 'documents', 'detail', documentId] as const,
  knowledgeDocumentChunks: (tenantId: string, documentId: string) =>
    ['tenants', tenantId, 'knowledge', 'chunks', documentId] as const,
  /** `indexedAt`: a new indexing replaces every chunk, so it is part of the key. */
  knowledgeChunks: (
    tenantId: string,
    documentId: string,
    indexedAt: string | null,
    page: PageParams,
  ) => ['tenants', tenantId, 'knowledge', 'chunks', documentId, indexedAt, page] as const,
  knowledgeCollections: (tenantId: string) =>
    ['tenants', tenantId, 'knowledge', 'collections'] as const,
  knowledgeStats: (tenantId: string) => ['tenants', tenantId, 'knowledge', 'stats'] as const,
  knowledgeIndex: (tenantId: string) => ['tenants', tenantId, 'knowledge', 'index'] as const,
  knowledgeGraph: (tenantId: string) => ['tenants', tenantId, 'knowledge', 'graph'] as const,
  knowledgeEntities: (tenantId: string) =>
    ['tenants', tenantId, 'knowledge', 'graph', 'entities'] as const,
  knowledgeEntityList: (tenantId: string, params: EntityListParams) =>
    ['tenants', tenantId, 'knowledge', 'graph', 'entities', 'list', params] as const,
  knowledgeEntity: (tenantId: string, entityId: string) =>
    ['tenants', tenantId, 'knowledge', 'graph', 'entities', 'detail', entityId] as const,
  knowledgeExtraction: (tenantId: string, documentId: string) =>
    ['tenants', tenantId, 'knowledge', 'graph', 'documents', documentId] as const,
  conversations: (tenantId: string) => ['tenants', tenantId, 'conversations'] as const,
  conversationList: (tenantId: string, params: ConversationListParams) =>
    ['tenants', tenantId, 'conversations', 'list', params] as const,
  conversation: (tenantId: string, conversationId: string) =>
    ['tenants', tenantId, 'conversations', 'detail', conversationId] as const,
  contact: (tenantId: string, contactId: string) =>
    ['tenants', tenantId, 'contacts', contactId] as const,
  memories: (tenantId: string, contactId: string) =>
    ['tenants', tenantId, 'contacts', contactId, 'memories'] as const,
  ai: (tenantId: string) => ['tenants', tenantId, 'ai'] as const,
  aiSettings: (tenantId: string) => ['tenants', tenantId, 'ai', 'settings'] as const,
  aiProviders: (tenantId: string) => ['tenants', tenantId, 'ai', 'providers'] as const,
  aiHealth: (tenantId: string) => ['tenants', tenantId, 'ai', 'health'] as const,
  aiModels: (tenantId: string) => ['tenants', tenantId, 'ai', 'models'] as const,
  aiUsage: (tenantId: string, range: DayRange) =>
    ['tenants', tenantId, 'ai', 'usage', range] as const,
  integrations: (tenantId: string) => ['tenants', tenantId, 'integrations'] as const,
  kommoStatus: (tenantId: string) => ['tenants', tenantId, 'integrations', 'kommo'] as const,
  kommoSyncs: (tenantId: string) =>
    ['tenants', tenantId, 'integrations', 'kommo', 'syncs'] as const,
  kommoEvents: (tenantId: string) =>
    ['tenants', tenantId, 'integrations', 'kommo', 'events'] as const,
  kommoEventList: (tenantId: string, params: KommoEventListParams) =>
    ['tenants', tenantId, 'integrations', 'kommo', 'events', params] as const,
  kommoPipelines: (tenantId: string) =>
    ['tenants', tenantId, 'integrations', 'kommo', 'pipelines'] as const,
  slack: (tenantId: string) => ['tenants', tenantId, 'integrations', 'slack'] as const,
};
