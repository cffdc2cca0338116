import { useSyncExternalStore } from 'react';

import { getToasts, subscribe, toast, type Toast, type ToastTone } from './toastStore';

const TONE_CLASSES: Record<ToastTone, string> = {
  success: 'border-success/30 bg-success-soft text-success-strong',
  error: 'border-danger/30 bg-danger-soft text-danger-strong',
  info: 'border-brand-200 bg-brand-50 text-brand-800',
};

function ToastCard({ item }: { item: Toast }) {
  return (
    <div
      role={item.tone === 'error' ? 'alert' : 'status'}
      className={`pointer-events-auto flex w-80 items-start gap-3 rounded-card border p-4 shadow-overlay ${TONE_CLASSES[item.tone]}`}
    >
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold">{item.title}</p>
        {item.message ? <p className="mt-1 text-sm break-words">{item.message}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => toast.dismiss(item.id)}
        className="rounded-control px-1 text-sm opacity-70 hover:opacity-100"
        aria-label="Dismiss"
      >
        ✕
      </button>
    </div>
  );
}

export function Toaster() {
  const items = useSyncExternalStore(subscribe, getToasts, getToasts);
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex flex-col gap-2"
    >
      {items.map((item) => (
        <ToastCard key={item.id} item={item} />
      ))}
    </div>
  );
}
