import {
  isRouteErrorResponse,
  Link,
  useLocation,
  useNavigate,
  useRouteError,
} from 'react-router-dom';

import { Button } from '../components/Button';

/** What browsers say when a page's code can no longer be fetched (often: a new version is out). */
const CHUNK_FAILURE =
  /dynamically imported module|Importing a module script failed|Unable to preload|ChunkLoadError/i;

function isChunkLoadError(error: unknown): boolean {
  return error instanceof Error && CHUNK_FAILURE.test(`${error.name} ${error.message}`);
}

/**
 * A route's error boundary (`errorElement`): a page that failed to load or to render says so in
 * plain words and offers to try again, instead of React Router's developer page. Retry renders
 * the route afresh; when the page's code itself did not arrive it reloads the site, since that
 * usually means a new version replaced the old files.
 */
export function RouteError({ fullPage = false }: { fullPage?: boolean }) {
  const error = useRouteError();
  const navigate = useNavigate();
  const location = useLocation();
  const stale = isChunkLoadError(error);
  const missing = isRouteErrorResponse(error) && error.status === 404;

  const state: unknown = location.state;

  function retry() {
    if (stale) {
      window.location.reload();
      return;
    }
    // A new location (same address) is what makes React Router drop the error and render again.
    void navigate(
      { pathname: location.pathname, search: location.search, hash: location.hash },
      { replace: true, state },
    );
  }

  const panel = (
    <div role="alert" className="rounded-card border border-danger/30 bg-danger-soft px-6 py-6">
      <p className="text-base font-semibold text-danger-strong">
        {missing
          ? 'This page does not exist'
          : stale
            ? 'This page could not be loaded'
            : 'Something went wrong on this page'}
      </p>
      <p className="mt-1 text-sm text-danger-strong">
        {stale
          ? 'Check your connection; if a new version was just released, retrying loads it.'
          : 'It is not something you did. Try again; if it keeps happening, tell us what you were doing.'}
      </p>
      <div className="mt-4 flex flex-wrap items-center gap-4">
        <Button variant="secondary" size="sm" onClick={retry}>
          Retry
        </Button>
        <Link to="/" className="text-sm font-medium text-brand-700 hover:underline">
          Go to your workspace
        </Link>
      </div>
    </div>
  );
  return fullPage ? <main className="mx-auto mt-24 max-w-md px-4">{panel}</main> : panel;
}
