import { useId, useState } from 'react';
import { Link } from 'react-router-dom';

import type { PreviewContext } from '../../../client';
import { Badge } from '../../../components/Badge';
import { knowledgeDocumentPath } from '../../knowledge/links';
import { contextSummary } from './conversation';

function UsedBadge({ used }: { used: boolean }) {
  return used ? <Badge tone="warning">Used</Badge> : <Badge>Not used</Badge>;
}

export interface KnowledgeUsedProps {
  tenantId: string;
  context: PreviewContext;
}

/**
 * What the agent's knowledge lookup found for a reply, folded away under it: each passage's
 * document (opens it on the Knowledge page), score and whether the reply drew on it, and the
 * facts from the knowledge graph with their documents.
 */
export function KnowledgeUsed({ tenantId, context }: KnowledgeUsedProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const factsUsed = context.facts.some((fact) => fact.used);
  const link = 'font-medium text-brand-700 hover:underline';

  return (
    <div className="rounded-control border border-surface-border">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((current) => !current)}
        className="flex w-full items-center justify-between gap-2 px-3 py-1.5 text-left font-medium text-ink hover:bg-surface-sunken"
      >
        <span>
          Knowledge used{' '}
          <span className="font-normal text-ink-muted">({contextSummary(context)})</span>
        </span>
        <span aria-hidden="true">{open ? '▴' : '▾'}</span>
      </button>
      {open ? (
        <div id={panelId} className="space-y-3 border-t border-surface-border px-3 py-2">
          <p>
            Looked up for <q className="italic">{context.query}</q> in the knowledge the agent may
            read.
          </p>
          {context.passages.length === 0 && context.facts.length === 0 ? (
            <p>Nothing matched: the agent answered without knowledge.</p>
          ) : null}
          {context.passages.length > 0 ? (
            <ol aria-label="Passages found" className="space-y-1">
              {context.passages.map((passage) => (
                <li key={passage.chunk_id} className="flex flex-wrap items-center gap-2">
                  <Link to={knowledgeDocumentPath(tenantId, passage.document_id)} className={link}>
                    {passage.document_title}
                  </Link>
                  <span className="font-mono" title="Score">
                    {passage.score.toFixed(3)}
                  </span>
                  <UsedBadge used={passage.used} />
                </li>
              ))}
            </ol>
          ) : null}
          {context.facts.length > 0 ? (
            <div className="space-y-1">
              <p className="flex flex-wrap items-center gap-2">
                Facts from the knowledge graph, given as one passage
                <UsedBadge used={factsUsed} />
              </p>
              <ul aria-label="Facts found" className="space-y-1">
                {context.facts.map((fact, index) => (
                  <li key={`${fact.document_id}-${index}`}>
                    <span className="text-ink">{fact.text}</span> · from{' '}
                    <Link to={knowledgeDocumentPath(tenantId, fact.document_id)} className={link}>
                      {fact.document_title}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
