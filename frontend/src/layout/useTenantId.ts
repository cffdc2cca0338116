import { useParams } from 'react-router-dom';

/** The workspace in the URL (`/w/:tenantId/...`); only used under that route. */
export function useTenantId(): string {
  const { tenantId } = useParams();
  if (!tenantId) throw new Error('useTenantId() outside a /w/:tenantId route');
  return tenantId;
}
