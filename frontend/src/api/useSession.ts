import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';

import { authLogin, authLogout, authMe, type LoginRequest, type SessionRead } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** Who is signed in and the workspaces they can open. A 401 here sends the browser to /login. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: async ({ signal }) => (await authMe({ signal })).data,
    staleTime: 5 * 60_000,
    meta: { inlineErrors: 'all' },
  });
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
