import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';

import { useSignedIn } from '../api/useSession';
import { LoginForm } from '../features/auth/LoginForm';
import { safeNext } from '../features/auth/safeNext';
import { AuthLayout } from './AuthLayout';

/**
 * The sign-in form. Someone already signed in goes on to the workspace (or to `next`); the form
 * shows meanwhile, so a signed-out visitor never waits for that check.
 */
export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  if (useSignedIn()) return <Navigate to={next} replace />;
  return (
    <AuthLayout title="Sign in" subtitle="Manage your AI agents for Kommo.">
      <LoginForm onSignedIn={() => void navigate(next, { replace: true })} />
    </AuthLayout>
  );
}
