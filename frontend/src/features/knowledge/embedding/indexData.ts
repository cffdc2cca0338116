import type { EmbeddingModelRead, KnowledgeIndexRead } from '../../../client';
import { kindLabel } from '../../ai/providerKinds';

/** The local model has no endpoint: it runs on this server, offline. */
export function isLocalModel(model: Pick<EmbeddingModelRead, 'endpoint'>): boolean {
  return model.endpoint === null;
}

/** The same model behind the same endpoint gives the same vectors. */
export function sameModel(a: EmbeddingModelRead, b: EmbeddingModelRead): boolean {
  return a.model === b.model && a.endpoint === b.endpoint;
}

/**
 * Who serves a provider's model, from its endpoint (`<kind> <base url>`): "OpenAI at
 * api.openai.com". Null for the local model.
 */
export function endpointLabel(model: Pick<EmbeddingModelRead, 'endpoint'>): string | null {
  if (model.endpoint === null) return null;
  const space = model.endpoint.indexOf(' ');
  const kind = space < 0 ? model.endpoint : model.endpoint.slice(0, space);
  const url = space < 0 ? '' : model.endpoint.slice(space + 1).trim();
  let host = url;
  try {
    host = new URL(url).host || url;
  } catch {
    // Not a URL after all: show it as it is.
  }
  return host ? `${kindLabel(kind)} at ${host}` : kindLabel(kind);
}

export interface ReembedProgress {
  done: number;
  total: number;
  percent: number;
}

/** How far a move to another model has got, clamped (counts never run backwards on screen). */
export function reembedProgress(
  index: Pick<KnowledgeIndexRead, 'chunks_done' | 'chunks_total' | 'progress'>,
): ReembedProgress {
  const total = Math.max(0, index.chunks_total);
  const done = Math.min(total, Math.max(0, index.chunks_done));
  const percent = Math.round(Math.min(1, Math.max(0, index.progress)) * 100);
  return { done, total, percent };
}

/**
 * What embedding everything again costs: nothing but time with the local model; with a
 * provider's, every passage is sent again, which spends its tokens (about the knowledge base's
 * total, when known).
 */
export function rebuildCost(model: EmbeddingModelRead, totalTokens?: number): string {
  if (isLocalModel(model)) {
    return 'The local model runs on this server: it costs no provider tokens, but a large knowledge base takes a while.';
  }
  const where = endpointLabel(model);
  const amount =
    totalTokens !== undefined && totalTokens > 0
      ? `about ${totalTokens.toLocaleString()} tokens`
      : 'tokens for every passage';
  return `${model.model} is a provider's model: every passage is sent to ${where ?? 'the provider'} again, which costs ${amount} and counts toward the monthly budget.`;
}
