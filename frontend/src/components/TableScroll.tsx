import type { ReactNode } from 'react';

/**
 * The box a table lives in: on a screen narrower than the table, the table scrolls sideways
 * inside it and the page keeps the screen's width; below 36rem it scrolls rather than squeezing
 * its columns into a word per line. `relative` keeps absolutely placed children
 * (the `sr-only` labels of headers) inside the box too: otherwise they widen the page.
 */
export function TableScroll({ children }: { children: ReactNode }) {
  return (
    <div className="relative max-w-full overflow-x-auto overscroll-x-contain [&>table]:min-w-[36rem]">
      {children}
    </div>
  );
}
