import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

import { readKnowledgeUrl, writeKnowledgeUrl, type KnowledgeUrlState } from './listParams';

/**
 * The knowledge page's filters, page and open document, kept in the URL so that they survive
 * a reload, the back button and a shared link. Filter changes replace the history entry;
 * opening a document (`documentHref`, a plain link) adds one, so Back closes it.
 */
export function useKnowledgeUrl() {
  const [search, setSearch] = useSearchParams();
  const state = readKnowledgeUrl(search);
  const update = useCallback(
    (next: Partial<KnowledgeUrlState>) =>
      setSearch((current) => writeKnowledgeUrl(current, next), { replace: true }),
    [setSearch],
  );
  const documentHref = useCallback(
    (documentId: string) => `?${writeKnowledgeUrl(search, { document: documentId }).toString()}`,
    [search],
  );
  return { state, update, documentHref };
}
