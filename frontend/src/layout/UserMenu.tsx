import { useEffect, useId, useRef, useState } from 'react';

import { useLogout, useSession } from '../api/useSession';
import { Button } from '../components/Button';

function initials(text: string): string {
  const words = text
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join('') || '?'
  );
}

/**
 * Who is signed in, behind a button in the header; the panel under it has the way out.
 * Escape or a click elsewhere closes it.
 */
export function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const user = session.data?.user ?? null;
  const name = user ? user.name || user.email : 'API key';

  useEffect(() => {
    if (!open) return undefined;
    function onPointer(event: MouseEvent) {
      if (event.target instanceof Node && root.current?.contains(event.target)) return;
      setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    }
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Account: ${name}`}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-2 rounded-pill py-1 pr-2 pl-1 text-sm font-medium text-ink hover:bg-surface-sunken"
      >
        <span
          aria-hidden="true"
          className="flex size-8 items-center justify-center rounded-pill bg-brand-100 text-xs font-semibold text-brand-700"
        >
          {initials(name)}
        </span>
        <span className="hidden max-w-40 truncate sm:block">{name}</span>
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4 text-ink-muted">
          <path d="M5 7.5l5 5 5-5" fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      </button>
      {open ? (
        <div
          id={panelId}
          className="absolute right-0 z-30 mt-2 w-64 max-w-[calc(100vw-2rem)] space-y-3 rounded-card border border-surface-border bg-surface p-4 shadow-overlay"
        >
          <div className="min-w-0 text-sm">
            <p className="truncate font-medium text-ink">{name}</p>
            {user?.name ? <p className="truncate text-xs text-ink-muted">{user.email}</p> : null}
          </div>
          <Button
            variant="secondary"
            size="sm"
            className="w-full"
            loading={logout.isPending}
            onClick={() => logout.mutate()}
          >
            Sign out
          </Button>
        </div>
      ) : null}
    </div>
  );
}
