import type { ConversationListParams } from '../../../api/keys';
import { SelectField } from '../../../components/Field';
import { CHANNEL_LABELS, STATUS_LABELS } from '../labels';

export interface ConversationFiltersProps {
  value: ConversationListParams;
  agents: readonly { id: string; name: string }[];
  /** Raw values from the selects: the URL keeps them and `readListParams` checks them. */
  onChange: (next: Partial<Record<keyof ConversationListParams, string | number>>) => void;
}

const entries = <K extends string>(labels: Record<K, string>) =>
  Object.entries<string>(labels).map(([value, label]) => ({ value, label }));

/** Channel, status and agent: each a select whose first option is "all". */
export function ConversationFilters({ value, agents, onChange }: ConversationFiltersProps) {
  return (
    <div className="mb-4 grid gap-3 sm:grid-cols-3">
      <SelectField
        label="Channel"
        value={value.channel}
        options={[{ value: '', label: 'All channels' }, ...entries(CHANNEL_LABELS)]}
        onChange={(event) => onChange({ channel: event.target.value, offset: 0 })}
      />
      <SelectField
        label="Status"
        value={value.status}
        options={[{ value: '', label: 'All statuses' }, ...entries(STATUS_LABELS)]}
        onChange={(event) => onChange({ status: event.target.value, offset: 0 })}
      />
      <SelectField
        label="Agent"
        value={value.agent}
        options={[
          { value: '', label: 'All agents' },
          ...agents.map((agent) => ({ value: agent.id, label: agent.name })),
        ]}
        onChange={(event) => onChange({ agent: event.target.value, offset: 0 })}
      />
    </div>
  );
}
