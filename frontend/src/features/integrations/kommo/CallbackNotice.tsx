import { callbackReasonMessage } from './labels';

/** Why Kommo's consent did not connect the account, until the reader dismisses it. */
export function CallbackNotice({
  reason,
  onDismiss,
}: {
  reason: string | null;
  onDismiss: () => void;
}) {
  return (
    <div
      role="alert"
      className="mb-gutter flex items-start justify-between gap-3 rounded-card border border-danger/30 bg-danger-soft px-5 py-4 text-sm text-danger-strong"
    >
      <div>
        <p className="font-semibold">Kommo was not connected</p>
        <p className="mt-1">{callbackReasonMessage(reason)}</p>
      </div>
      <button
        type="button"
        onClick={onDismiss}
        className="shrink-0 text-xs font-medium underline hover:no-underline"
      >
        Dismiss
      </button>
    </div>
  );
}
