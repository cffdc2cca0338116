import { Link } from 'react-router-dom';

import { EmptyState } from '../components/States';

export function NotFoundPage() {
  return (
    <main className="mx-auto mt-24 max-w-md px-4">
      <EmptyState
        title="Page not found"
        action={
          <Link to="/" className="text-sm font-medium text-brand-700 hover:underline">
            Go to your workspace
          </Link>
        }
      >
        The address may be mistyped, or the page has moved.
      </EmptyState>
    </main>
  );
}
