import type { AgentStatus, AgentTool } from '../../client';

type Tone = 'neutral' | 'success' | 'warning';

export const STATUSES: readonly {
  value: AgentStatus;
  label: string;
  tone: Tone;
  description: string;
}[] = [
  { value: 'draft', label: 'Draft', tone: 'neutral', description: 'Being set up; answers nobody' },
  { value: 'active', label: 'Active', tone: 'success', description: 'Answers leads in Kommo' },
  { value: 'paused', label: 'Paused', tone: 'warning', description: 'Stopped for now' },
];

export function statusInfo(status: AgentStatus) {
  return STATUSES.find((s) => s.value === status) ?? STATUSES[0]!;
}

export function isAgentStatus(value: string): value is AgentStatus {
  return STATUSES.some((s) => s.value === value);
}

export const TOOLS: readonly { value: AgentTool; label: string; description: string }[] = [
  {
    value: 'knowledge_search',
    label: 'Search knowledge',
    description: "Looks answers up in the workspace's documents and pages",
  },
  {
    value: 'memory_lookup',
    label: 'Look up what is remembered',
    description: 'Searches what earlier conversations taught it about the customer',
  },
  {
    value: 'move_stage',
    label: 'Move lead to another stage',
    description: 'Moves the Kommo lead along its pipeline',
  },
  { value: 'add_note', label: 'Add a note', description: 'Writes a note on the lead' },
  { value: 'create_task', label: 'Create a task', description: 'Asks a salesperson to follow up' },
  {
    value: 'update_field',
    label: 'Update lead fields',
    description: 'Fills in fields of the lead or contact (budget, email, …)',
  },
  { value: 'add_tags', label: 'Tag the lead', description: 'Adds tags to the Kommo lead' },
  {
    value: 'handoff',
    label: 'Hand off to a human',
    description: 'Stops answering and passes the conversation to a person',
  },
];

export function toolLabel(tool: string): string {
  return TOOLS.find((t) => t.value === tool)?.label ?? tool;
}

export const WEEKDAYS = [
  { key: 'mon', label: 'Monday' },
  { key: 'tue', label: 'Tuesday' },
  { key: 'wed', label: 'Wednesday' },
  { key: 'thu', label: 'Thursday' },
  { key: 'fri', label: 'Friday' },
  { key: 'sat', label: 'Saturday' },
  { key: 'sun', label: 'Sunday' },
] as const;

export type Weekday = (typeof WEEKDAYS)[number]['key'];

/** Every field of an agent's configuration (what a revision stores), with its label. */
export const CONFIG_FIELDS = {
  name: 'Name',
  description: 'Description',
  status: 'Status',
  instructions: 'Instructions',
  greeting: 'Greeting',
  language: 'Language',
  provider_id: 'Provider',
  model: 'Model',
  temperature: 'Temperature',
  max_output_tokens: 'Max output tokens',
  tools: 'Tools',
  knowledge: 'Knowledge',
  kommo: 'Kommo pipelines and channels',
  working_hours: 'Working hours',
} as const;

export type ConfigField = keyof typeof CONFIG_FIELDS;

export function isConfigField(field: string): field is ConfigField {
  return Object.hasOwn(CONFIG_FIELDS, field);
}

export const CONFIG_FIELD_NAMES: readonly ConfigField[] =
  Object.keys(CONFIG_FIELDS).filter(isConfigField);

export function fieldLabel(field: string): string {
  return isConfigField(field) ? CONFIG_FIELDS[field] : field;
}
