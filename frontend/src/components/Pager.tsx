import type { PageParams } from '../api/keys';
import { Button } from './Button';

export interface PagerProps {
  page: PageParams;
  total: number;
  onChange: (page: PageParams) => void;
  /** What is being counted, plural: "members". */
  noun: string;
}

/** "1–50 of 120 members" with previous / next; hidden when everything fits on one page. */
export function Pager({ page, total, onChange, noun }: PagerProps) {
  if (total <= page.limit && page.offset === 0) return null;
  const first = Math.min(total, page.offset + 1);
  const last = Math.min(total, page.offset + page.limit);
  return (
    <nav
      aria-label="Pages"
      className="mt-4 flex items-center justify-between text-sm text-ink-muted"
    >
      <span>
        {first}–{last} of {total} {noun}
      </span>
      <div className="flex gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={page.offset === 0}
          onClick={() => onChange({ ...page, offset: Math.max(0, page.offset - page.limit) })}
        >
          Previous
        </Button>
        <Button
          variant="secondary"
          size="sm"
          disabled={last >= total}
          onClick={() => onChange({ ...page, offset: page.offset + page.limit })}
        >
          Next
        </Button>
      </div>
    </nav>
  );
}
