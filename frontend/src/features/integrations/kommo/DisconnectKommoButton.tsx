import { useState } from 'react';

import { useDisconnectKommo } from '../../../api/useKommo';
import type { DisconnectResult } from '../../../client';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';

export interface DisconnectKommoButtonProps {
  tenantId: string;
  account: string;
  /** Said when our webhooks could not be removed from the account (they must go by hand). */
  onDisconnected: (result: DisconnectResult) => void;
}

export function DisconnectKommoButton({
  tenantId,
  account,
  onDisconnected,
}: DisconnectKommoButtonProps) {
  const [confirming, setConfirming] = useState(false);
  const disconnect = useDisconnectKommo(tenantId);
  return (
    <>
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Disconnect
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Disconnect Kommo?"
        message={
          <>
            Agents stop answering in <strong>{account}</strong>, our webhooks are removed from the
            account and its tokens are forgotten. You can connect again at any time.
          </>
        }
        confirmLabel="Disconnect Kommo"
        busy={disconnect.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          disconnect.mutate(undefined, {
            onSuccess: (result) => {
              setConfirming(false);
              onDisconnected(result);
            },
            onError: () => setConfirming(false),
          })
        }
      />
    </>
  );
}
