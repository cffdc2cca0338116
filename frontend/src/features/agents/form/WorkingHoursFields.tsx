import { SelectField, TextAreaField } from '../../../components/Field';
import { timeZoneOptions } from '../../workspace/choices';
import { WEEKDAYS } from '../labels';
import { officeHours, type WorkingHoursValues } from './agentValues';
import type { AgentFieldsProps } from './AgentProfileFields';
import { WeekdayHoursRow } from './WeekdayHoursRow';

/** When the agent answers; outside those hours it sends one message and waits. */
export function WorkingHoursFields({
  values,
  set,
  errors,
  disabled,
}: AgentFieldsProps & { disabled: boolean }) {
  const hours = values.working_hours;
  function change(next: Partial<WorkingHoursValues>) {
    if (hours) set('working_hours', { ...hours, ...next });
  }
  return (
    <div className="space-y-4">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-brand-600"
          checked={hours !== null}
          onChange={(event) => set('working_hours', event.target.checked ? officeHours() : null)}
        />
        <span>
          <span className="font-medium text-ink">Answer only during working hours</span>
          <span className="block text-ink-muted">Off: the agent answers at any time.</span>
        </span>
      </label>
      {errors.working_hours ? <p className="text-xs text-danger">{errors.working_hours}</p> : null}
      {hours ? (
        <>
          <SelectField
            label="Time zone"
            value={hours.timezone}
            onChange={(event) => change({ timezone: event.target.value })}
            options={[
              { value: '', label: "The workspace's time zone" },
              ...timeZoneOptions(hours.timezone || undefined),
            ]}
          />
          <ul aria-label="Hours per weekday" className="divide-y divide-surface-border">
            {WEEKDAYS.map((day) => (
              <WeekdayHoursRow
                key={day.key}
                day={day.label}
                ranges={hours.days[day.key]}
                onChange={(ranges) => change({ days: { ...hours.days, [day.key]: ranges } })}
                disabled={disabled}
              />
            ))}
          </ul>
          <TextAreaField
            label="Outside-hours message"
            rows={2}
            value={hours.outside_hours_message}
            onChange={(event) => change({ outside_hours_message: event.target.value })}
            maxLength={2000}
            hint="Sent once to a lead who writes outside these hours. Empty: no reply until opening."
          />
        </>
      ) : null}
    </div>
  );
}
