import { Link } from 'react-router-dom';

import type { ResolvedRead } from '../../client';
import { Button } from '../../components/Button';
import { paths } from '../../paths';

export interface ReembedNoticeProps {
  tenantId: string;
  /** The embedding model just chosen. */
  embeddings: ResolvedRead;
  onDismiss: () => void;
}

/** After a change of embedding model: the knowledge base is re-embedded, and where to follow it. */
export function ReembedNotice({ tenantId, embeddings, onDismiss }: ReembedNoticeProps) {
  return (
    <div
      role="status"
      className="mb-5 flex flex-wrap items-start justify-between gap-3 rounded-control border border-brand-200 bg-brand-50 px-4 py-3 text-sm text-brand-800"
    >
      <div className="min-w-0 flex-1 space-y-1">
        <p className="font-semibold">
          The knowledge base will be re-embedded with{' '}
          <code className="font-mono text-xs">{embeddings.model}</code>
        </p>
        <p>
          Searches keep using the current model until every passage has its new vector.
          {embeddings.offline
            ? ' The local model runs on this server and spends no provider tokens.'
            : ` Each passage is sent to ${embeddings.provider}, which spends its tokens.`}
        </p>
        <Link to={paths.knowledge(tenantId)} className="font-medium text-brand-700 underline">
          Follow the progress in the knowledge base
        </Link>
      </div>
      <Button variant="ghost" size="sm" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}
