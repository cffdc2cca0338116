import type { ApiKeyCreated } from '../../client';
import { Button } from '../../components/Button';
import { SecretValue } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';

export interface NewApiKeyDialogProps {
  created: ApiKeyCreated | null;
  onClose: () => void;
}

/**
 * The new key, shown exactly once: the API stores only its hash, and closing this dialog
 * drops it from the page too.
 */
export function NewApiKeyDialog({ created, onClose }: NewApiKeyDialogProps) {
  return (
    <Dialog
      open={created !== null}
      title="Copy your new API key"
      description="This is the only time the key is shown. Store it somewhere safe now; if it is lost, revoke it and create another."
      footer={
        <Button onClick={onClose} data-autofocus>
          I have copied it
        </Button>
      }
    >
      {created ? (
        <div className="space-y-3">
          <SecretValue value={created.key} label="API key" />
          <p className="text-xs text-ink-muted">
            Send it as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </div>
      ) : null}
    </Dialog>
  );
}
