import type {
  AgentCreate,
  AgentRead,
  AgentStatus,
  AgentTool,
  AgentUpdate,
  KnowledgeScope,
  KommoScope,
  PipelineRead,
  TimeRange,
  WorkingHours,
} from '../../../client';
import { CONFIG_FIELD_NAMES, WEEKDAYS, type Weekday } from '../labels';

export interface WorkingHoursValues {
  /** '' follows the workspace's time zone. */
  timezone: string;
  days: Record<Weekday, TimeRange[]>;
  outside_hours_message: string;
}

/** What the editor holds: the configuration with text where the user types. */
export interface AgentValues {
  name: string;
  description: string;
  status: AgentStatus;
  instructions: string;
  greeting: string;
  language: string;
  /** '' is the workspace default. */
  provider_id: string;
  /** '' is the workspace default. */
  model: string;
  temperature: number;
  /** As typed; checked before saving. */
  max_output_tokens: string;
  tools: AgentTool[];
  /** Minutes the agent stays quiet after a person writes in a conversation; as typed. */
  human_pause_minutes: string;
  knowledge: KnowledgeScope;
  kommo: Required<KommoScope>;
  working_hours: WorkingHoursValues | null;
}

export type SetAgentValue = <K extends keyof AgentValues>(key: K, value: AgentValues[K]) => void;

export function emptyDays(): Record<Weekday, TimeRange[]> {
  return { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
}

/** Monday to Friday, 9 to 6: where someone who switches working hours on usually starts. */
export function officeHours(): WorkingHoursValues {
  const days = emptyDays();
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) {
    days[day] = [{ start: '09:00', end: '18:00' }];
  }
  return { timezone: '', days, outside_hours_message: '' };
}

export function newAgentValues(language = 'en'): AgentValues {
  return {
    name: '',
    description: '',
    status: 'draft',
    instructions: '',
    greeting: '',
    language,
    provider_id: '',
    model: '',
    temperature: 0.3,
    max_output_tokens: '1024',
    human_pause_minutes: '30',
    tools: ['knowledge_search'],
    knowledge: { all: true, document_ids: [], collection_ids: [] },
    kommo: { pipeline_ids: [], status_ids: [], channels: [] },
    working_hours: null,
  };
}

function hoursValues(hours: WorkingHours | null): WorkingHoursValues | null {
  if (!hours) return null;
  const days = emptyDays();
  for (const day of WEEKDAYS) days[day.key] = [...(hours.days?.[day.key] ?? [])];
  return {
    timezone: hours.timezone ?? '',
    days,
    outside_hours_message: hours.outside_hours_message ?? '',
  };
}

export function agentValues(agent: AgentRead): AgentValues {
  return {
    name: agent.name,
    description: agent.description,
    status: agent.status,
    instructions: agent.instructions,
    greeting: agent.greeting,
    language: agent.language,
    provider_id: agent.provider_id ?? '',
    model: agent.model ?? '',
    temperature: agent.temperature,
    max_output_tokens: String(agent.max_output_tokens),
    human_pause_minutes: String(agent.human_pause_minutes),
    tools: [...agent.tools],
    knowledge: agent.knowledge,
    kommo: {
      pipeline_ids: [...(agent.kommo.pipeline_ids ?? [])],
      status_ids: [...(agent.kommo.status_ids ?? [])],
      channels: [...(agent.kommo.channels ?? [])],
    },
    working_hours: hoursValues(agent.working_hours),
  };
}

export type KommoScopeValues = AgentValues['kommo'];

/**
 * The scope with a pipeline chosen or not; unchoosing one drops its stages, so that the stages
 * kept are those of the pipelines still chosen (`pipelines` is what the sync stored).
 */
export function withPipeline(
  scope: KommoScopeValues,
  pipelines: readonly PipelineRead[],
  pipelineId: number,
  chosen: boolean,
): KommoScopeValues {
  if (chosen) {
    if (scope.pipeline_ids.includes(pipelineId)) return scope;
    return { ...scope, pipeline_ids: [...scope.pipeline_ids, pipelineId] };
  }
  const pipelineIds = scope.pipeline_ids.filter((id) => id !== pipelineId);
  const stagesOf = (id: number) =>
    pipelines.find((p) => p.kommo_id === id)?.statuses.map((s) => s.kommo_id) ?? [];
  // Kommo's closing stages (won 142, lost 143) carry the same id in every pipeline.
  const kept = new Set(pipelineIds.flatMap(stagesOf));
  const dropped = new Set(stagesOf(pipelineId).filter((id) => !kept.has(id)));
  return {
    ...scope,
    pipeline_ids: pipelineIds,
    status_ids: scope.status_ids.filter((id) => !dropped.has(id)),
  };
}

/** The scope with one stage switched on or off (no stage on: every stage of the pipelines). */
export function withStage(
  scope: KommoScopeValues,
  statusId: number,
  on: boolean,
): KommoScopeValues {
  const others = scope.status_ids.filter((id) => id !== statusId);
  return { ...scope, status_ids: on ? [...others, statusId] : others };
}

export const MAX_OUTPUT_TOKENS = 32_000;
export const MAX_PAUSE_MINUTES = 10_080;

/** Checks the browser can make before sending (the API checks everything again). */
export function localErrors(values: AgentValues): Partial<Record<keyof AgentValues, string>> {
  const errors: Partial<Record<keyof AgentValues, string>> = {};
  const tokens = Number(values.max_output_tokens);
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > MAX_OUTPUT_TOKENS) {
    errors.max_output_tokens = `A whole number from 1 to ${MAX_OUTPUT_TOKENS.toLocaleString()}`;
  }
  const pause = Number(values.human_pause_minutes);
  if (!Number.isInteger(pause) || pause < 0 || pause > MAX_PAUSE_MINUTES) {
    errors.human_pause_minutes = `A whole number of minutes from 0 to ${MAX_PAUSE_MINUTES.toLocaleString()} (a week)`;
  }
  return errors;
}

function workingHoursBody(hours: WorkingHoursValues | null): WorkingHours | null {
  if (!hours) return null;
  const days: Record<string, TimeRange[]> = {};
  for (const day of WEEKDAYS) {
    const ranges = hours.days[day.key];
    if (ranges.length > 0) days[day.key] = ranges.map(({ start, end }) => ({ start, end }));
  }
  return {
    timezone: hours.timezone || null,
    days,
    outside_hours_message: hours.outside_hours_message.trim(),
  };
}

/** The whole configuration, as the API takes it. */
export function agentBody(values: AgentValues): Required<AgentCreate> {
  return {
    name: values.name.trim(),
    description: values.description.trim(),
    status: values.status,
    instructions: values.instructions,
    greeting: values.greeting.trim(),
    language: values.language.trim(),
    provider_id: values.provider_id || null,
    model: values.model.trim() || null,
    temperature: values.temperature,
    max_output_tokens: Number(values.max_output_tokens),
    tools: values.tools,
    knowledge: values.knowledge,
    kommo: values.kommo,
    working_hours: workingHoursBody(values.working_hours),
    human_pause_minutes: Number(values.human_pause_minutes),
  };
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** Only the fields that differ from what was loaded: the body of the PATCH. */
export function agentChanges(initial: AgentValues, values: AgentValues): AgentUpdate {
  const before = agentBody(initial);
  const after = agentBody(values);
  const changes: Partial<AgentBody> = {};
  for (const field of CONFIG_FIELD_NAMES) {
    if (canonical(before[field]) !== canonical(after[field])) copyField(changes, after, field);
  }
  return changes;
}

type AgentBody = ReturnType<typeof agentBody>;

function copyField<K extends keyof AgentBody>(to: Partial<AgentBody>, from: AgentBody, key: K) {
  to[key] = from[key];
}
