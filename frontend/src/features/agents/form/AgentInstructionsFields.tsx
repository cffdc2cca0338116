import { TextAreaField } from '../../../components/Field';
import type { AgentFieldsProps } from './AgentProfileFields';

const MAX_INSTRUCTIONS = 20_000;

/** What the agent is told to do (the system prompt) and how it opens a conversation. */
export function AgentInstructionsFields({ values, set, errors }: AgentFieldsProps) {
  const length = values.instructions.length;
  return (
    <div className="space-y-5">
      <TextAreaField
        label="Instructions"
        rows={14}
        className="font-mono text-xs leading-relaxed"
        value={values.instructions}
        onChange={(event) => set('instructions', event.target.value)}
        error={errors.instructions}
        maxLength={MAX_INSTRUCTIONS}
        placeholder="You are the sales assistant of Acme. Answer in a friendly, short way. Ask for the budget and the city before offering a visit…"
        hint={`Who the agent is, what it must find out and what it must never do. ${length.toLocaleString()} / ${MAX_INSTRUCTIONS.toLocaleString()} characters.`}
      />
      <TextAreaField
        label="Greeting"
        rows={2}
        value={values.greeting}
        onChange={(event) => set('greeting', event.target.value)}
        error={errors.greeting}
        maxLength={2000}
        hint="The first message to a new lead. Empty: the agent waits for the lead to write."
      />
    </div>
  );
}
