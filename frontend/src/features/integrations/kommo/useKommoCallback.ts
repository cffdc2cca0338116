import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

import { queryKeys } from '../../../api/keys';
import { toast } from '../../../toasts/toastStore';

/** How Kommo's consent ended, as the API's callback put it in the page's address. */
export type KommoCallback = { outcome: 'connected' } | { outcome: 'error'; reason: string | null };

export function parseKommoCallback(params: URLSearchParams): KommoCallback | null {
  const outcome = params.get('kommo');
  if (outcome === 'connected') return { outcome };
  if (outcome === 'error') return { outcome, reason: params.get('reason') };
  return null;
}

/**
 * Reads `?kommo=connected` / `?kommo=error&reason=…` once, says "connected" in a toast, and
 * takes the parameters out of the address (a reload or a bookmark does not say it again). An
 * error is returned for the page to show until it is dismissed.
 */
export function useKommoCallback(tenantId: string) {
  const queryClient = useQueryClient();
  const [searchParams, setSearchParams] = useSearchParams();
  const [result, setResult] = useState(() => parseKommoCallback(searchParams));

  const pending = searchParams.has('kommo');
  useEffect(() => {
    if (!pending) return;
    const parsed = parseKommoCallback(searchParams);
    setSearchParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        next.delete('kommo');
        next.delete('reason');
        return next;
      },
      { replace: true },
    );
    if (parsed?.outcome === 'connected') {
      toast.success('Kommo connected', 'Agents can answer your leads and chats there now.');
      void queryClient.invalidateQueries({ queryKey: queryKeys.integrations(tenantId) });
    }
  }, [pending, searchParams, setSearchParams, queryClient, tenantId]);

  const error = result?.outcome === 'error' ? result : null;
  return { error, dismiss: () => setResult(null) };
}
