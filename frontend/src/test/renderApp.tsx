import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router-dom';

import { App, createAppContext } from '../App';
import { routes } from '../routes';

/** The whole app (routes, query client, configured API client, toasts) at `path`. */
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const context = createAppContext(router);
  const user = userEvent.setup();
  const view = render(<App {...context} />);
  return { ...view, ...context, user };
}
