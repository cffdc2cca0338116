import { useState } from 'react';

import type { ApiKeyCreated } from '../../client';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { ApiKeyTable } from '../../features/api-keys/ApiKeyTable';
import { CreateApiKeyDialog } from '../../features/api-keys/CreateApiKeyDialog';
import { NewApiKeyDialog } from '../../features/api-keys/NewApiKeyDialog';
import { useTenant } from '../../layout/tenantContext';

export function ApiKeysPage() {
  const { tenantId, canManage } = useTenant();
  const [creating, setCreating] = useState(false);
  // The only copy of a new key in the page; cleared when its dialog closes.
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own systems call the API as this workspace."
      />
      <Card
        title="Keys"
        actions={
          canManage ? <Button onClick={() => setCreating(true)}>Create API key</Button> : null
        }
      >
        <ApiKeyTable tenantId={tenantId} canManage={canManage} />
      </Card>
      {canManage ? (
        <CreateApiKeyDialog
          tenantId={tenantId}
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={setCreated}
        />
      ) : null}
      <NewApiKeyDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}
