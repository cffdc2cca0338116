import type { AgentRead, AgentTool, KnowledgeScope, ProviderRead } from '../../../client';
import { agentBody, agentValues, canonical } from '../form/agentValues';
import { CONFIG_FIELD_NAMES, statusInfo, toolLabel, WEEKDAYS, type ConfigField } from '../labels';

export type AgentConfigBody = ReturnType<typeof agentBody>;

/** A configuration (the agent's, or a version's snapshot) in one normal form, to compare. */
export function configOf(agent: AgentRead, snapshot?: Record<string, unknown>): AgentConfigBody {
  return agentBody(agentValues(snapshot ? { ...agent, ...snapshot } : agent));
}

/** The fields whose values differ between two configurations. */
export function differingFields(a: AgentConfigBody, b: AgentConfigBody): ConfigField[] {
  return CONFIG_FIELD_NAMES.filter((field) => canonical(a[field]) !== canonical(b[field]));
}

function text(value: string): string {
  return value === '' ? '(empty)' : value;
}

function knowledge(scope: KnowledgeScope): string {
  if (scope.all ?? true) return 'All knowledge';
  const documents = scope.document_ids?.length ?? 0;
  const collections = scope.collection_ids?.length ?? 0;
  return `${documents} document(s), ${collections} collection(s)`;
}

function hours(value: AgentConfigBody['working_hours']): string {
  if (!value) return 'Any time (no working hours)';
  const days = WEEKDAYS.map((day) => {
    const ranges = value.days?.[day.key] ?? [];
    const shown = ranges.map((r) => `${r.start}–${r.end}`).join(', ');
    return `${day.label}: ${shown || 'closed'}`;
  });
  return [
    `Time zone: ${value.timezone ?? "the workspace's"}`,
    ...days,
    `Outside hours: ${value.outside_hours_message ? `“${value.outside_hours_message}”` : 'no reply'}`,
  ].join('\n');
}

/** A field's value as people read it: names instead of ids, labels instead of codes. */
export function describeValue(
  field: ConfigField,
  config: AgentConfigBody,
  providers: readonly ProviderRead[] | undefined,
): string {
  switch (field) {
    case 'status':
      return statusInfo(config.status).label;
    case 'provider_id':
      if (!config.provider_id) return 'Workspace default';
      return providers?.find((p) => p.id === config.provider_id)?.name ?? 'A deleted provider';
    case 'model':
      return config.model ?? 'Workspace default';
    case 'temperature':
    case 'max_output_tokens':
      return String(config[field]);
    case 'tools':
      return config.tools.length > 0
        ? config.tools.map((tool: AgentTool) => toolLabel(tool)).join(', ')
        : 'None';
    case 'knowledge':
      return knowledge(config.knowledge);
    case 'kommo': {
      const pipelines = config.kommo.pipeline_ids ?? [];
      const channels = config.kommo.channels ?? [];
      return `Pipelines: ${pipelines.join(', ') || 'none'}\nChannels: ${channels.join(', ') || 'none'}`;
    }
    case 'working_hours':
      return hours(config.working_hours);
    default:
      return text(config[field]);
  }
}
