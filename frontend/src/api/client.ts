/**
 * The one place that configures the generated client and decides what happens to API errors.
 *
 * - Requests are same-origin and carry the httpOnly session cookie; the API's CSRF check reads
 *   the browser's Origin / Sec-Fetch-Site headers, so nothing else is needed.
 * - Every failure becomes an `ApiError` (RFC 9457 problem), thrown by the SDK functions.
 * - 401 sends the browser to /login (except a wrong password, which the form shows).
 * - 403 and other problems become error toasts, unless the component shows them itself
 *   (`meta.inlineErrors`): a form shows its field errors next to the fields.
 */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

import { client } from '../client/client.gen';
import { toast } from '../toasts/toastStore';
import { ApiError, errorMessage, errorTitle, toApiError } from './problem';

export interface ApiClientOptions {
  /** Origin of the API; the page's own origin unless a test says otherwise. */
  baseUrl?: string;
  /** Called on 401: the session is gone or never existed. */
  onUnauthorized: () => void;
}

/** What a query or mutation may say about its errors. */
export interface ApiMeta extends Record<string, unknown> {
  /**
   * `all`: the component renders the error itself, never toast it.
   * `fields`: the component renders field errors; toast only problems without them.
   */
  inlineErrors?: 'all' | 'fields';
}

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: ApiMeta;
    mutationMeta: ApiMeta;
  }
}

export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && !error.is('invalid-credentials');
}

export function configureApiClient({ baseUrl, onUnauthorized }: ApiClientOptions): void {
  client.setConfig({
    baseUrl: baseUrl ?? globalThis.location.origin,
    credentials: 'include',
  });
  client.interceptors.error.clear();
  client.interceptors.error.use((body, response) => {
    const error = toApiError(body, response);
    if (isSignedOut(error)) onUnauthorized();
    return error;
  });
}

export function reportError(error: unknown): void {
  toast.error(errorTitle(error), errorMessage(error));
}

function shouldToast(error: unknown, meta: ApiMeta | undefined): boolean {
  if (isSignedOut(error)) return false; // the redirect to /login says it
  if (error instanceof ApiError && error.is('aborted')) return false;
  if (meta?.inlineErrors === 'all') return false;
  if (meta?.inlineErrors === 'fields' && error instanceof ApiError) {
    return error.fieldErrors.length === 0;
  }
  return true;
}

/** Client errors (4xx) are answers, not glitches: retry only network failures and 5xx. */
function retry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // A first load that fails shows an error state in the page; a failed background refresh
      // of data already on screen would go unnoticed, so that one is a toast.
      onError: (error, query) => {
        if (query.state.data !== undefined && shouldToast(error, query.meta)) reportError(error);
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (shouldToast(error, mutation.meta)) reportError(error);
      },
    }),
    defaultOptions: {
      queries: { retry, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
