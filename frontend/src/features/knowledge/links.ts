// Links into the knowledge pages, for other features (which may not reach into its sub-folders).
import { writeKnowledgeUrl } from './documents/listParams';
import { paths } from '../../paths';

/** The knowledge page with one document open in its drawer, for links from other pages. */
export function knowledgeDocumentPath(tenantId: string, documentId: string): string {
  const search = writeKnowledgeUrl(new URLSearchParams(), { document: documentId });
  return `${paths.knowledge(tenantId)}?${search.toString()}`;
}
