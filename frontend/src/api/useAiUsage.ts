import { useQuery } from '@tanstack/react-query';

import { aiAiUsage } from '../client';
import { queryKeys, type DayRange } from './keys';

/** Calls, errors, tokens and latency per UTC day and model, with this month's total. */
export function useAiUsage(tenantId: string, range: DayRange) {
  return useQuery({
    queryKey: queryKeys.aiUsage(tenantId, range),
    queryFn: async ({ signal }) =>
      (await aiAiUsage({ path: { tenant_id: tenantId }, query: range, signal })).data,
  });
}
