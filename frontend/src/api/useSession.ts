import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';

import { authLogin, authLogout, authMe, type LoginRequest, type SessionRead } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

const sessionQuery = queryOptions({
  queryKey: queryKeys.session,
  queryFn: async ({ signal }) => (await authMe({ signal })).data,
  staleTime: 5 * 60_000,
  meta: { inlineErrors: 'all' },
});

/** Who is signed in and the workspaces they can open. A 401 here sends the browser to /login. */
export function useSession() {
  return useQuery(sessionQuery);
}

/**
 * Whether someone is signed in, asked of the API afresh (what the cache holds may belong to a
 * session that has just ended): true or false once it answers, undefined until then.
 */
export function useSignedIn(): boolean | undefined {
  const session = useQuery({ ...sessionQuery, refetchOnMount: 'always' });
  if (session.fetchStatus === 'fetching') return undefined;
  if (session.status === 'success') return true;
  return session.status === 'error' ? false : undefined;
}

/** Stores a SessionRead the API just returned (login, accepting an invitation). */
export function useRememberSession() {
  const queryClient = useQueryClient();
  return (session: SessionRead) => {
    queryClient.setQueryData(queryKeys.session, session);
    queryClient.setQueryData(queryKeys.tenants, session.tenants);
  };
}

export function useLogin() {
  const remember = useRememberSession();
  return useMutation({
    mutationFn: async (body: LoginRequest) => (await authLogin({ body })).data,
    // The sign-in form shows every failure itself ("Email or password is wrong", rate limits).
    meta: { inlineErrors: 'all' },
    onSuccess: remember,
  });
}

/** Ends the session, leaves for /login, then forgets everything this user loaded. */
export function useLogout() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async () => {
      await authLogout();
    },
    onSuccess: async () => {
      await navigate('/login', { replace: true });
      queryClient.clear();
      toast.info('Signed out');
    },
  });
}
