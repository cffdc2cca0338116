import { useState } from 'react';

import { useAiSettings } from '../api/useAiSettings';
import type { ResolvedRead } from '../client';
import { Card, PageHeader } from '../components/Card';
import { FormSkeleton } from '../components/Skeleton';
import { ErrorState } from '../components/States';
import { AiDefaultsForm } from '../features/ai/AiDefaultsForm';
import { HealthPanel } from '../features/ai/HealthPanel';
import { OfflineBanner } from '../features/ai/OfflineBanner';
import { ProvidersSection } from '../features/ai/ProvidersSection';
import { ReembedNotice } from '../features/ai/ReembedNotice';
import { UsageSection } from '../features/ai/usage/UsageSection';
import { useTenant } from '../layout/tenantContext';
import { ReadOnlyNotice } from './settings/ReadOnlyNotice';

/** The workspace's AI: providers and their health, default models and budget, usage. */
export function AiPage() {
  const { tenantId, canManage } = useTenant();
  const settings = useAiSettings(tenantId);
  const [reembedWith, setReembedWith] = useState<ResolvedRead | null>(null);
  return (
    <>
      <PageHeader
        title="AI providers"
        description="Which AI providers and models your agents use, whether they answer, and what they spend."
      />
      <OfflineBanner tenantId={tenantId} />
      {canManage ? null : <ReadOnlyNotice />}
      <div className="space-y-gutter">
        <ProvidersSection tenantId={tenantId} canManage={canManage} />
        <HealthPanel tenantId={tenantId} />
        <Card
          title="Defaults"
          description="What agents use unless they choose their own provider and model."
        >
          {reembedWith ? (
            <ReembedNotice
              tenantId={tenantId}
              embeddings={reembedWith}
              onDismiss={() => setReembedWith(null)}
            />
          ) : null}
          {settings.isPending ? (
            <FormSkeleton fields={5} />
          ) : settings.isError ? (
            <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
          ) : (
            <AiDefaultsForm
              key={[
                settings.data.chat_provider_id,
                settings.data.chat_model,
                settings.data.embedding_provider_id,
                settings.data.embedding_model,
                settings.data.monthly_token_budget,
              ].join('|')}
              tenantId={tenantId}
              settings={settings.data}
              readOnly={!canManage}
              onEmbeddingChange={setReembedWith}
            />
          )}
        </Card>
        <UsageSection tenantId={tenantId} />
      </div>
    </>
  );
}
