import { Link } from 'react-router-dom';

import type { AgentSummary } from '../../client';
import { TableScroll } from '../../components/TableScroll';
import { formatDateTime, formatRelative } from '../../lib/format';
import { AgentStatusBadge } from './AgentStatusBadge';

/** Agents with their status, model, language, version and last change; names open the editor. */
export function AgentTable({ agents }: { agents: AgentSummary[] }) {
  return (
    <TableScroll>
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-ink-muted uppercase">
          <tr>
            <th className="pb-2 font-medium">Agent</th>
            <th className="pb-2 font-medium">Status</th>
            <th className="pb-2 font-medium">Model</th>
            <th className="pb-2 font-medium">Language</th>
            <th className="pb-2 font-medium">Updated</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-surface-border">
          {agents.map((agent) => (
            <tr key={agent.id} className="align-top">
              <td className="py-3 pr-4">
                <Link to={agent.id} className="font-medium text-brand-700 hover:underline">
                  {agent.name}
                </Link>
                {agent.description ? (
                  <p className="line-clamp-2 text-xs text-ink-muted">{agent.description}</p>
                ) : null}
              </td>
              <td className="py-3 pr-4">
                <AgentStatusBadge status={agent.status} />
              </td>
              <td className="py-3 pr-4">
                {agent.model ? (
                  <code className="font-mono text-xs">{agent.model}</code>
                ) : (
                  <span className="text-ink-muted">Workspace default</span>
                )}
              </td>
              <td className="py-3 pr-4 text-ink-muted">{agent.language}</td>
              <td className="py-3 text-ink-muted" title={formatDateTime(agent.updated_at)}>
                {formatRelative(agent.updated_at)}
                <span className="block text-xs text-ink-subtle">version {agent.version}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
