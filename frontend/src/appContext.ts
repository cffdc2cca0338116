import type { QueryClient } from '@tanstack/react-query';
import type { DataRouter } from 'react-router-dom';

import { configureApiClient, createQueryClient } from './api/client';
import { queryKeys } from './api/keys';
import { isOneOf } from './lib/guards';
import { PUBLIC_PATHS } from './routes';
import { toast } from './toasts/toastStore';

export interface AppContext {
  router: DataRouter;
  queryClient: QueryClient;
}

/**
 * Wires the generated client to this router and query cache: a 401 outside the public pages
 * goes to /login (and comes back afterwards), forgetting the previous user's data.
 */
export function createAppContext(
  router: DataRouter,
  options: { baseUrl?: string } = {},
): AppContext {
  const queryClient = createQueryClient();
  configureApiClient({
    ...options,
    onUnauthorized: () => {
      const { pathname, search, hash } = router.state.location;
      if (isOneOf(PUBLIC_PATHS, pathname)) return;
      if (queryClient.getQueryData(queryKeys.session) !== undefined) {
        toast.info('Signed out', 'Your session has ended; sign in again.');
      }
      const next = encodeURIComponent(pathname + search + hash);
      void router
        .navigate(`/login${pathname === '/' ? '' : `?next=${next}`}`, { replace: true })
        .then(() => queryClient.clear());
    },
  });
  return { router, queryClient };
}
