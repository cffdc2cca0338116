import { useNavigate, useSearchParams } from 'react-router-dom';

import { LoginForm } from '../features/auth/LoginForm';
import { safeNext } from '../features/auth/safeNext';
import { AuthLayout } from './AuthLayout';

export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <AuthLayout title="Sign in" subtitle="Manage your AI agents for Kommo.">
      <LoginForm
        onSignedIn={() => void navigate(safeNext(params.get('next')), { replace: true })}
      />
    </AuthLayout>
  );
}
