import { useAiHealth } from '../../api/useAiHealth';
import { useAiProviders } from '../../api/useAiProviders';
import { useAiSettings } from '../../api/useAiSettings';

/**
 * Says plainly when no AI provider answers: agents still reply, from the offline responder,
 * and knowledge is still embedded, by the local model, until a provider is added and chosen.
 */
export function OfflineBanner({ tenantId }: { tenantId: string }) {
  const settings = useAiSettings(tenantId);
  const health = useAiHealth(tenantId);
  const providers = useAiProviders(tenantId);
  const chatOffline = settings.data?.chat.offline ?? false;
  const offline = chatOffline || (health.data?.offline_mode ?? false);
  if (!offline) return null;
  const embeddingsLocal = settings.data?.embeddings.offline ?? true;
  const hasProviders = (providers.data?.length ?? 0) > 0;
  return (
    <section
      aria-labelledby="offline-banner-title"
      className="mb-gutter rounded-card border border-warning/40 bg-warning-soft px-5 py-4 text-sm text-warning-strong"
    >
      <h2 id="offline-banner-title" className="font-semibold">
        {hasProviders
          ? 'Offline mode: no default chat provider is chosen'
          : 'Offline mode: no AI provider is set up'}
      </h2>
      <p className="mt-1">
        Agents still answer, but their replies come from the <strong>offline responder</strong>,
        which quotes the knowledge it is given rather than writing like a language model.
        {embeddingsLocal ? (
          <>
            {' '}
            Embeddings for knowledge search come from the <strong>local model</strong> on this
            server.
          </>
        ) : null}{' '}
        {hasProviders
          ? 'Choose a chat provider in the defaults below (or on an agent) and agents answer with its model.'
          : 'Add a provider below (OpenAI, OpenRouter or your own OpenAI-compatible server); the first one becomes the default chat provider.'}
      </p>
    </section>
  );
}
