import type { ReactNode } from 'react';

/**
 * The box a table lives in: on a screen narrower than the table, the table scrolls sideways
 * inside it and the page keeps the screen's width.
 */
export function TableScroll({ children }: { children: ReactNode }) {
  return <div className="max-w-full overflow-x-auto overscroll-x-contain">{children}</div>;
}
