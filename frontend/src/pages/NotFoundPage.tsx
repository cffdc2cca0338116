import { Link } from 'react-router-dom';

import { EmptyState } from '../components/States';

/** An address that names no page; `inShell` inside a workspace (whose shell has the `<main>`). */
export function NotFoundPage({ inShell = false }: { inShell?: boolean }) {
  const notice = (
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
  );
  return inShell ? notice : <main className="mx-auto mt-24 max-w-md px-4">{notice}</main>;
}
