/**
 * A tiny toast store that lives outside React, so the API error handler can raise toasts too.
 * `<Toaster />` renders it.
 */
export type ToastTone = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  message?: string;
}

type Listener = () => void;

const DURATION_MS: Record<ToastTone, number> = { success: 4000, info: 5000, error: 8000 };
const MAX_VISIBLE = 4;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit(): void {
  for (const listener of listeners) listener();
}

function dismiss(id: number): void {
  const timer = timers.get(id);
  if (timer !== undefined) clearTimeout(timer);
  timers.delete(id);
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

function show(tone: ToastTone, title: string, message?: string): number {
  // The same message twice in a row (three failing queries, say) is shown once.
  const same = toasts.find((t) => t.tone === tone && t.title === title && t.message === message);
  if (same) return same.id;
  const id = nextId++;
  toasts = [...toasts, { id, tone, title, ...(message ? { message } : {}) }].slice(-MAX_VISIBLE);
  timers.set(
    id,
    setTimeout(() => dismiss(id), DURATION_MS[tone]),
  );
  emit();
  return id;
}

export const toast = {
  success: (title: string, message?: string) => show('success', title, message),
  error: (title: string, message?: string) => show('error', title, message),
  info: (title: string, message?: string) => show('info', title, message),
  dismiss,
  /** Drops every toast (tests, sign-out). */
  clear(): void {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    toasts = [];
    emit();
  },
};

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getToasts(): readonly Toast[] {
  return toasts;
}
