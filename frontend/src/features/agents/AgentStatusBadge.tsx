import type { AgentStatus } from '../../client';
import { Badge } from '../../components/Badge';
import { statusInfo } from './labels';

export function AgentStatusBadge({ status }: { status: AgentStatus }) {
  const info = statusInfo(status);
  return <Badge tone={info.tone}>{info.label}</Badge>;
}
