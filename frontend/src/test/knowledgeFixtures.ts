/** Knowledge documents, search hits, the index and the graph as the API returns them. */
import type {
  ChunkRead,
  CollectionRead,
  DocumentRead,
  EntityDetail,
  EntityRead,
  GraphExtractionRead,
  KnowledgeIndexRead,
  KnowledgeStats,
  PageChunkRead,
  PageDocumentRead,
  PageEntityRead,
  SearchResponse,
} from '../client';

export const DOCUMENT_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

export const readyDocument: DocumentRead = {
  id: DOCUMENT_ID,
  title: 'Price list 2026',
  filename: 'prices.pdf',
  source_url: null,
  content_type: 'application/pdf',
  size_bytes: 48_213,
  source_kind: 'upload',
  status: 'ready',
  progress: 1,
  last_error: null,
  attempts: 1,
  page_count: 4,
  chunk_count: 12,
  token_count: 3_400,
  tags: [],
  collection_id: null,
  embedding_model: 'local-hash-256',
  indexed_at: '2026-03-02T10:01:00Z',
  created_at: '2026-03-02T10:00:00Z',
  updated_at: '2026-03-02T10:01:00Z',
};

export function documentPage(items: DocumentRead[]): PageDocumentRead {
  return { items, total: items.length, limit: 25, offset: 0 };
}

export const searchResponse: SearchResponse = {
  embedding_model: 'local-hash-256',
  hits: [
    {
      chunk_id: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c',
      document_id: DOCUMENT_ID,
      document_title: 'Price list 2026',
      heading_path: ['Plans', 'Business'],
      page_start: 2,
      page_end: 3,
      score: 0.8123,
      text: 'The business plan costs 49 € per seat.',
      text_rank: 1,
      vector_rank: 2,
      highlight:
        'The <mark>business</mark> plan &amp; <b>bold</b><img src=x onerror="alert(1)"> costs 49 €',
    },
  ],
};

export const COLLECTION_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

export const pricingCollection: CollectionRead = {
  id: COLLECTION_ID,
  name: 'Pricing',
  description: 'Plans and price lists',
  document_count: 1,
  created_at: '2026-03-01T09:00:00Z',
  updated_at: '2026-03-01T09:00:00Z',
};

export function knowledgeStats(overrides: Partial<KnowledgeStats> = {}): KnowledgeStats {
  return {
    documents_by_status: {
      queued: 0,
      parsing: 0,
      chunking: 0,
      embedding: 0,
      ready: 1,
      failed: 0,
    },
    total_documents: 1,
    total_chunks: 12,
    total_tokens: 3_400,
    storage_bytes: 48_213,
    last_indexed_at: '2026-03-02T10:01:00Z',
    recent_failures: [],
    ...overrides,
  };
}

export const firstChunk: ChunkRead = {
  id: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c',
  document_id: DOCUMENT_ID,
  index: 0,
  text: 'The business plan costs 49 € per seat.',
  heading_path: ['Plans', 'Business'],
  page_start: 2,
  page_end: 3,
  token_count: 11,
};

export function chunkPage(items: ChunkRead[], total = items.length): PageChunkRead {
  return { items, total, limit: 10, offset: 0 };
}

export const LOCAL_EMBEDDINGS = { model: 'local/all-MiniLM-L6-v2', endpoint: null };
export const OPENAI_EMBEDDINGS = {
  model: 'text-embedding-3-small',
  endpoint: 'openai https://api.openai.com/v1',
};

/** The index of a workspace that never changed its embedding model: local, ready. */
export function knowledgeIndex(overrides: Partial<KnowledgeIndexRead> = {}): KnowledgeIndexRead {
  return {
    active: LOCAL_EMBEDDINGS,
    configured: LOCAL_EMBEDDINGS,
    state: 'ready',
    target: null,
    chunks_total: 12,
    chunks_done: 12,
    progress: 1,
    attempts: 0,
    last_error: null,
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

export const ACME_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const BRACKET_ID = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
export const ANA_ID = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';

export const acme: EntityRead = {
  id: ACME_ID,
  name: 'Acme Corp',
  type: 'organization',
  description: '',
  mention_count: 7,
  document_count: 2,
};

export const bracket: EntityRead = {
  id: BRACKET_ID,
  name: 'Bracket X',
  type: 'product',
  description: 'A steel wall bracket',
  mention_count: 3,
  document_count: 1,
};

export function entityPage(items: EntityRead[], total = items.length): PageEntityRead {
  return { items, total, limit: 20, offset: 0 };
}

const link = ({ id, name, type }: EntityRead) => ({ id, name, type });

/** Acme supplies Bracket X (twice over), Bracket X's price is a value, Ana works for Acme. */
export const acmeDetail: EntityDetail = {
  ...acme,
  relations: [
    {
      id: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
      direction: 'outgoing',
      predicate: 'supplies',
      subject: link(acme),
      object: link(bracket),
      value: null,
      text: 'Acme Corp — supplies → Bracket X',
      confidence: 0.9,
      document_id: DOCUMENT_ID,
      document_title: 'Price list 2026',
      chunk_id: firstChunk.id,
    },
    {
      id: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
      direction: 'outgoing',
      predicate: 'warranty_period',
      subject: link(acme),
      object: null,
      value: '2 years',
      text: 'Acme Corp — warranty period → 2 years',
      confidence: 0.75,
      document_id: DOCUMENT_ID,
      document_title: 'Price list 2026',
      chunk_id: null,
    },
    {
      id: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      direction: 'incoming',
      predicate: 'works_for',
      subject: { id: ANA_ID, name: 'Ana Pérez', type: 'person' },
      object: link(acme),
      value: null,
      text: 'Ana Pérez — works for → Acme Corp',
      confidence: 0.8,
      document_id: DOCUMENT_ID,
      document_title: 'Price list 2026',
      chunk_id: firstChunk.id,
    },
  ],
  sources: [
    {
      document_id: DOCUMENT_ID,
      document_title: 'Price list 2026',
      mention_count: 7,
      chunks: [
        { chunk_id: firstChunk.id, chunk_index: 0, count: 5 },
        { chunk_id: null, chunk_index: null, count: 2 },
      ],
    },
  ],
};

export function extraction(overrides: Partial<GraphExtractionRead> = {}): GraphExtractionRead {
  return {
    document_id: DOCUMENT_ID,
    document_title: 'Price list 2026',
    status: 'ready',
    attempts: 1,
    last_error: null,
    extractor: 'offline/patterns-v1',
    entity_count: 4,
    relation_count: 3,
    mention_count: 9,
    extracted_at: '2026-03-02T10:02:00Z',
    updated_at: '2026-03-02T10:02:00Z',
    ...overrides,
  };
}
