import { useEffect, useState } from 'react';

import { toast } from '../toasts/toastStore';
import { Button } from './Button';

/** Copies `value` to the clipboard and says "Copied" for a moment. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      toast.error('Could not copy', 'Select the text and copy it by hand.');
    }
  }

  return (
    <Button variant="secondary" size="sm" onClick={() => void copy()}>
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** A value shown once (an API key, an invite link): selectable, monospace, with a copy button. */
export function SecretValue({ value, label }: { value: string; label: string }) {
  return (
    <div className="flex items-center gap-2">
      <input
        readOnly
        aria-label={label}
        value={value}
        onFocus={(event) => event.currentTarget.select()}
        className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface-sunken px-3 py-2 font-mono text-xs text-ink"
      />
      <CopyButton value={value} />
    </div>
  );
}
