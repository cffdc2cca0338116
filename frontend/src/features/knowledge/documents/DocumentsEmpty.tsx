import { Button } from '../../../components/Button';
import { EmptyState } from '../../../components/States';
import { SUPPORTED_FORMATS } from '../labels';
import type { KnowledgeUrlState } from './listParams';

export interface DocumentsEmptyProps {
  state: KnowledgeUrlState;
  /** The selected collection's name, or null. */
  collectionName: string | null;
  /** A collection is selected that the workspace no longer has. */
  collectionMissing: boolean;
  canManage: boolean;
  onChange: (next: Partial<KnowledgeUrlState>) => void;
}

/** Why the list is empty, and the way out: clear the filters, or add documents. */
export function DocumentsEmpty({
  state,
  collectionName,
  collectionMissing,
  canManage,
  onChange,
}: DocumentsEmptyProps) {
  const filtered = state.q !== '' || state.status !== '' || state.tag !== '';
  if (state.offset > 0) {
    return (
      <EmptyState
        title="No documents on this page"
        action={
          <Button variant="secondary" onClick={() => onChange({ offset: 0 })}>
            Go to the first page
          </Button>
        }
      >
        Documents were removed since this page was opened.
      </EmptyState>
    );
  }
  if (collectionMissing) {
    return (
      <EmptyState
        title="Collection not found"
        action={
          <Button variant="secondary" onClick={() => onChange({ collection: '' })}>
            Show all documents
          </Button>
        }
      >
        It may have been deleted.
      </EmptyState>
    );
  }
  if (filtered) {
    const conditions = [
      state.q ? `“${state.q}” in its title` : null,
      state.status ? `status ${state.status}` : null,
      state.tag ? `the tag “${state.tag}”` : null,
    ].filter(Boolean);
    return (
      <EmptyState
        title="No documents match"
        action={
          <Button variant="secondary" onClick={() => onChange({ q: '', status: '', tag: '' })}>
            Clear filters
          </Button>
        }
      >
        Nothing {collectionName ? `in ${collectionName} ` : ''}has {conditions.join(' and ')}.
      </EmptyState>
    );
  }
  if (collectionName) {
    return (
      <EmptyState title={`No documents in ${collectionName}`}>
        {canManage
          ? 'Files and text added while this collection is selected go into it; documents elsewhere can be moved here from All documents.'
          : 'Nothing has been put in this collection yet.'}
      </EmptyState>
    );
  }
  return (
    <EmptyState title="No documents yet">
      Upload {SUPPORTED_FORMATS} files (drop them above or choose them), paste text or add a web
      page. They are indexed in the background; agents find them once they are ready.
    </EmptyState>
  );
}
