import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router-dom';
import { beforeAll } from 'vitest';

import { App } from '../App';
import { createAppContext } from '../appContext';
import { preloadPages, routes } from '../routes';

// Pages are loaded on first visit (route-level code splitting); a test file that renders the
// app loads them all first, so that no test's first query waits for a module to be compiled.
beforeAll(() => preloadPages(), 30_000);

/** The whole app (routes, query client, configured API client, toasts) at `path`. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const context = createAppContext(router);
  const user = userEvent.setup();
  const view = render(<App {...context} />);
  return { ...view, ...context, user };
}
