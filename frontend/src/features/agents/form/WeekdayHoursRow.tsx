import type { TimeRange } from '../../../client';
import { Button } from '../../../components/Button';

export interface WeekdayHoursRowProps {
  day: string;
  ranges: TimeRange[];
  onChange: (ranges: TimeRange[]) => void;
  disabled: boolean;
}

const TIME =
  'rounded-control border border-surface-strong bg-surface px-2 py-1 text-sm text-ink disabled:bg-surface-sunken';

/** One weekday: its time ranges ("09:00–13:00, 15:00–19:00"), or closed. */
export function WeekdayHoursRow({ day, ranges, onChange, disabled }: WeekdayHoursRowProps) {
  function update(index: number, part: keyof TimeRange, value: string) {
    onChange(ranges.map((range, i) => (i === index ? { ...range, [part]: value } : range)));
  }
  function add() {
    const last = ranges[ranges.length - 1];
    onChange([
      ...ranges,
      last ? { start: last.end, end: '23:59' } : { start: '09:00', end: '18:00' },
    ]);
  }
  return (
    <li className="flex flex-wrap items-start gap-3 py-2">
      <span className="w-24 pt-1 text-sm font-medium text-ink">{day}</span>
      <div className="flex flex-1 flex-col gap-2">
        {ranges.length === 0 ? <span className="pt-1 text-sm text-ink-muted">Closed</span> : null}
        {ranges.map((range, index) => (
          <div key={index} className="flex items-center gap-2 text-sm">
            <input
              type="time"
              aria-label={`${day} from`}
              value={range.start}
              onChange={(event) => update(index, 'start', event.target.value)}
              disabled={disabled}
              className={TIME}
            />
            <span aria-hidden="true">–</span>
            <input
              type="time"
              aria-label={`${day} until`}
              value={range.end}
              onChange={(event) => update(index, 'end', event.target.value)}
              disabled={disabled}
              className={TIME}
            />
            {range.end <= range.start ? (
              <span className="text-xs text-danger">ends before it starts</span>
            ) : null}
            <Button
              variant="ghost"
              size="sm"
              onClick={() => onChange(ranges.filter((_, i) => i !== index))}
              disabled={disabled}
              aria-label={`Remove ${day} ${range.start}–${range.end}`}
            >
              Remove
            </Button>
          </div>
        ))}
      </div>
      <Button variant="secondary" size="sm" onClick={add} disabled={disabled}>
        Add hours
      </Button>
    </li>
  );
}
