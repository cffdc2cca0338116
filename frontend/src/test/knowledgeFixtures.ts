/** Knowledge documents and search hits as the API returns them. */
import type {
  ChunkRead,
  CollectionRead,
  DocumentRead,
  KnowledgeStats,
  PageChunkRead,
  PageDocumentRead,
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
