import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';

import { useFocusTrap } from '../components/useFocusTrap';
import { Brand, MainNav } from './MainNav';

export interface NavDrawerProps {
  id: string;
  open: boolean;
  tenantId: string;
  onClose: () => void;
}

/**
 * The sidebar on a phone: a modal panel from the left. Focus stays inside while it is open,
 * Escape and the backdrop close it. (The shell closes it on navigation: it is open for one
 * location only.)
 */
export function NavDrawer({ id, open, tenantId, onClose }: NavDrawerProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(panel, open, onClose);

  // Widened past 768 px (a tablet turned, a window resized), the sidebar is back: close.
  useEffect(() => {
    if (!open || typeof window.matchMedia !== 'function') return undefined;
    const wide = window.matchMedia('(min-width: 768px)');
    const close = () => {
      if (wide.matches) onClose();
    };
    wide.addEventListener('change', close);
    return () => wide.removeEventListener('change', close);
  }, [open, onClose]);

  if (!open) return null;
  return createPortal(
    <div
      // The backdrop is only a pointer shortcut: Escape and the close button do the same.
      role="presentation"
      className="fixed inset-0 z-40 bg-ink/40 md:hidden"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        id={id}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className="flex h-full w-72 max-w-[85vw] flex-col gap-6 overflow-y-auto bg-surface p-gutter shadow-overlay"
      >
        <div className="flex items-center justify-between gap-4">
          <h2 id={titleId} className="text-lg">
            <Brand />
          </h2>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close menu"
            className="rounded-control px-2 py-1 text-ink-muted hover:text-ink"
          >
            ✕
          </button>
        </div>
        <MainNav tenantId={tenantId} />
      </div>
    </div>,
    document.body,
  );
}
