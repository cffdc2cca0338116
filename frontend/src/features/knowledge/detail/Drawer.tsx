import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface DrawerProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal panel on the right: focus moves in and stays in, Escape and the backdrop close it,
 * and focus goes back where it was. Keys are left alone while focus is in a dialog opened from
 * the drawer (those are rendered above it and handle their own Escape and Tab).
 */
export function Drawer({ title, onClose, children }: DrawerProps) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  });

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    panel.current?.focus();

    function onKeyDown(event: KeyboardEvent) {
      const root = panel.current;
      if (!root || !root.contains(document.activeElement)) return;
      if (event.key === 'Escape') {
        event.stopPropagation();
        closeRef.current();
      }
      if (event.key === 'Tab') {
        const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
        const [head, tail] = [items[0], items[items.length - 1]];
        if (!head || !tail) return;
        if (
          event.shiftKey &&
          (document.activeElement === head || document.activeElement === root)
        ) {
          event.preventDefault();
          tail.focus();
        } else if (!event.shiftKey && document.activeElement === tail) {
          event.preventDefault();
          head.focus();
        }
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      previous?.focus?.();
    };
  }, []);

  return createPortal(
    <div
      // The backdrop is only a pointer shortcut: Escape and the close button do the same.
      role="presentation"
      className="fixed inset-0 z-30 flex justify-end bg-ink/30"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className="flex h-full w-full max-w-2xl flex-col bg-surface shadow-overlay"
      >
        <header className="flex items-start justify-between gap-4 border-b border-surface-border px-gutter py-4">
          <h2 id={titleId} className="min-w-0 text-lg font-semibold break-words text-ink">
            {title}
          </h2>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            className="rounded-control px-1 text-ink-muted hover:text-ink"
          >
            ✕
          </button>
        </header>
        <div className="flex-1 overflow-y-auto px-gutter py-4">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
