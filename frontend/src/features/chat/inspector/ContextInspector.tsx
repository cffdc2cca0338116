import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import type { ContextInspection, Latency } from '../../../client';
import { Badge } from '../../../components/Badge';
import { knowledgeDocumentPath } from '../../knowledge/links';
import { LatencyBar } from '../LatencyBar';
import { SectionBudget } from './SectionBudget';

function Part({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <h3 className="text-sm font-semibold text-ink">
        {title}
        {count !== undefined ? (
          <span className="font-normal text-ink-muted"> ({count})</span>
        ) : null}
      </h3>
      {children}
    </section>
  );
}

function None({ children }: { children: ReactNode }) {
  return <p className="text-xs text-ink-muted">{children}</p>;
}

const score = (value: number) => value.toFixed(2);

export interface ContextInspectorProps {
  tenantId: string;
  context: ContextInspection;
  latency?: Latency | null | undefined;
}

/**
 * Exactly what the model was given for one answer: the token budget by section, the knowledge
 * passages with their scores (and whether the answer cited them), the contact's memories, the
 * knowledge graph's facts, the lead's CRM facts, the system prompt, and where the time went.
 */
export function ContextInspector({ tenantId, context, latency }: ContextInspectorProps) {
  return (
    <div className="space-y-5">
      <Part title="Token budget">
        <SectionBudget context={context} />
      </Part>
      {latency ? (
        <Part title="Latency">
          <LatencyBar latency={latency} />
        </Part>
      ) : null}
      <Part title="Knowledge" count={context.passages.length}>
        {context.passages.length === 0 ? (
          <None>No passage was given to the model.</None>
        ) : (
          <ol aria-label="Knowledge passages" className="space-y-2">
            {context.passages.map((passage) => (
              <li key={`${passage.number}-${passage.chunk_id ?? ''}`} className="text-xs">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono font-semibold text-ink">[{passage.number}]</span>
                  {passage.document_id ? (
                    <Link
                      to={knowledgeDocumentPath(tenantId, passage.document_id)}
                      className="min-w-0 font-medium break-words text-brand-700 hover:underline"
                    >
                      {passage.document_title}
                    </Link>
                  ) : (
                    <span className="font-medium text-ink">{passage.document_title}</span>
                  )}
                  <span className="font-mono text-ink-muted" title="Score">
                    {score(passage.score)}
                  </span>
                  {passage.cited ? <Badge tone="warning">Cited</Badge> : null}
                </div>
                <p className="mt-0.5 line-clamp-3 break-words text-ink-muted">{passage.text}</p>
              </li>
            ))}
          </ol>
        )}
      </Part>
      <Part title="Memories" count={context.memories.length}>
        {context.memories.length === 0 ? (
          <None>Nothing remembered about this contact was used (or there is no contact).</None>
        ) : (
          <ul aria-label="Memories" className="space-y-1 text-xs">
            {context.memories.map((memory) => (
              <li key={memory.id} className="flex items-baseline justify-between gap-3">
                <span className="min-w-0 break-words text-ink">{memory.text}</span>
                <span className="font-mono text-ink-muted" title="Score">
                  {score(memory.score)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Part>
      <Part title="Graph facts" count={context.facts.length}>
        {context.facts.length === 0 ? (
          <None>No fact from the knowledge graph.</None>
        ) : (
          <ul aria-label="Graph facts" className="space-y-1 text-xs">
            {context.facts.map((fact, index) => (
              <li key={`${fact.text}-${index}`} className="flex flex-wrap items-baseline gap-2">
                <span className="min-w-0 break-words text-ink">{fact.text}</span>
                <span className="font-mono text-ink-muted" title="Confidence">
                  {score(fact.confidence)}
                </span>
                {fact.used ? <Badge tone="warning">Used</Badge> : null}
              </li>
            ))}
          </ul>
        )}
      </Part>
      <Part title="CRM facts" count={context.crm_facts.length}>
        {context.crm_facts.length === 0 ? (
          <None>No lead: a test conversation has no CRM facts.</None>
        ) : (
          <ul aria-label="CRM facts" className="list-disc space-y-1 pl-4 text-xs text-ink">
            {context.crm_facts.map((fact) => (
              <li key={fact} className="break-words">
                {fact}
              </li>
            ))}
          </ul>
        )}
      </Part>
      <details className="text-xs">
        <summary className="cursor-pointer text-sm font-semibold text-ink">System prompt</summary>
        <pre className="mt-2 max-h-80 overflow-auto rounded-control bg-surface-sunken px-3 py-2 font-mono whitespace-pre-wrap break-words text-ink">
          {context.system_prompt}
        </pre>
      </details>
    </div>
  );
}
