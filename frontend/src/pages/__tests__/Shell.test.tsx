import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { createMemoryRouter, Outlet, RouterProvider } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';

import { RouteError } from '../../layout/RouteError';
import { paths } from '../../paths';
import { routes } from '../../routes';
import { AGENT_ID, agent, agentPage, summaryOf } from '../../test/agentFixtures';
import { OTHER_TENANT_ID, session, TENANT_ID } from '../../test/fixtures';
import { kommoNotConnected, slackNotConfigured } from '../../test/kommoFixtures';
import { renderApp } from '../../test/renderApp';
import { api, json, server } from '../../test/server';

const BASE = `/api/v1/tenants/${TENANT_ID}`;

describe('the shell', () => {
  it('sends an old /w/ link to its new address, keeping the query and the hash', async () => {
    server.use(http.get(api(`${BASE}/agents/${AGENT_ID}`), () => json(agent)));
    const { router } = renderApp(`/w/${TENANT_ID}/agents/${AGENT_ID}?tab=versions#top`);

    await waitFor(() =>
      expect(router.state.location.pathname).toBe(paths.agent(TENANT_ID, AGENT_ID)),
    );
    expect(router.state.location.search).toBe('?tab=versions');
    expect(router.state.location.hash).toBe('#top');
  });

  it('opens the dashboard for an old workspace link', async () => {
    const { router } = renderApp(`/w/${TENANT_ID}`);
    expect(
      await screen.findByRole('heading', { name: 'Acme Sales', level: 1 }),
    ).toBeInTheDocument();
    expect(router.state.location.pathname).toBe(paths.dashboard(TENANT_ID));
  });

  it('asks for the workspaces without waiting for the session', async () => {
    let tenantsAsked!: () => void;
    const asked = new Promise<void>((resolve) => (tenantsAsked = resolve));
    const timeout = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 3000));
    server.use(
      // /auth/me answers only once /tenants has been asked: one waiting for the other stalls.
      http.get(api('/api/v1/auth/me'), async () =>
        (await Promise.race([asked, timeout])) === 'late'
          ? HttpResponse.json({ late: true }, { status: 500 })
          : json(session),
      ),
      http.get(api('/api/v1/tenants'), () => {
        tenantsAsked();
        return json(session.tenants);
      }),
    );
    renderApp(paths.dashboard(TENANT_ID));
    expect(
      await screen.findByRole('heading', { name: 'Acme Sales', level: 1 }),
    ).toBeInTheDocument();
  });

  it('shows breadcrumbs down to the agent, by name', async () => {
    server.use(http.get(api(`${BASE}/agents/${AGENT_ID}`), () => json(agent)));
    renderApp(paths.agent(TENANT_ID, AGENT_ID));

    const crumbs = await screen.findByRole('navigation', { name: 'Breadcrumb' });
    await waitFor(() => expect(within(crumbs).getByText(agent.name)).toBeInTheDocument());
    expect(within(crumbs).getByRole('link', { name: 'Acme Sales' })).toHaveAttribute(
      'href',
      paths.dashboard(TENANT_ID),
    );
    expect(within(crumbs).getByRole('link', { name: 'AI agents' })).toHaveAttribute(
      'href',
      paths.agents(TENANT_ID),
    );
    expect(within(crumbs).getByText(agent.name)).toHaveAttribute('aria-current', 'page');
  });

  it('opens the menu drawer, keeps focus in it, and closes on Escape and on navigation', async () => {
    server.use(
      http.get(api(`${BASE}/integrations/kommo/status`), () => json(kommoNotConnected())),
      http.get(api(`${BASE}/integrations/slack`), () => json(slackNotConfigured)),
    );
    const { user, router } = renderApp(paths.dashboard(TENANT_ID));
    const burger = await screen.findByRole('button', { name: 'Open menu' });
    expect(burger).toHaveAttribute('aria-expanded', 'false');

    await user.click(burger);
    const drawer = screen.getByRole('dialog', { name: 'Agent Platform' });
    expect(burger).toHaveAttribute('aria-expanded', 'true');
    const close = within(drawer).getByRole('button', { name: 'Close menu' });
    const links = within(drawer).getAllByRole('link');
    expect(close).toHaveFocus();
    // Tab from the last link goes round to the first control, Shift+Tab back again.
    links.at(-1)?.focus();
    await user.tab();
    expect(close).toHaveFocus();
    await user.tab({ shift: true });
    expect(links.at(-1)).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(burger).toHaveFocus();

    await user.click(burger);
    await user.click(
      within(screen.getByRole('dialog')).getByRole('link', { name: 'Integrations' }),
    );
    expect(router.state.location.pathname).toBe(paths.integrations(TENANT_ID));
    expect(await screen.findByRole('heading', { name: 'Integrations' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('signs out from the user menu', async () => {
    server.use(
      http.post(api('/api/v1/auth/logout'), () => new HttpResponse(null, { status: 204 })),
    );
    const { user, router } = renderApp(paths.dashboard(TENANT_ID));
    await user.click(await screen.findByRole('button', { name: 'Account: Ana Owner' }));
    expect(screen.getByText('ana@example.com')).toBeInTheDocument();
    server.use(
      http.get(api('/api/v1/auth/me'), () =>
        HttpResponse.json(
          { type: 'about:blank', title: 'Authentication required', status: 401 },
          { status: 401, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
  });

  it('keeps the section when switching workspace', async () => {
    const { user, router } = renderApp(paths.settings(TENANT_ID, 'feature-flags'));
    server.use(
      http.get(api(`/api/v1/tenants/${OTHER_TENANT_ID}/feature-flags`), () => json({ flags: {} })),
      http.get(api(`${BASE}/feature-flags`), () => json({ flags: {} })),
    );
    await user.selectOptions(await screen.findByLabelText('Workspace'), 'Beta Support');
    expect(router.state.location.pathname).toBe(paths.settings(OTHER_TENANT_ID, 'feature-flags'));
  });

  it('says so when the workspace in the address is not one of the caller’s', async () => {
    renderApp(paths.dashboard('not-mine'));
    expect(await screen.findByText('Workspace not found')).toBeInTheDocument();
  });

  it('opens the test chat with the first agent', async () => {
    server.use(
      http.get(api(`${BASE}/agents`), () => json(agentPage([summaryOf(agent)]))),
      http.get(api(`${BASE}/agents/${AGENT_ID}`), () => json(agent)),
    );
    renderApp(paths.testChat(TENANT_ID));
    expect(await screen.findByRole('heading', { name: 'Test chat', level: 1 })).toBeInTheDocument();
    expect(await screen.findByLabelText('Agent')).toHaveValue(AGENT_ID);
    expect(await screen.findByLabelText('Message')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: agent.name })).toHaveAttribute(
      'href',
      paths.agent(TENANT_ID, AGENT_ID),
    );
  });
});

describe('/login', () => {
  it('sends someone already signed in to their workspace', async () => {
    const { router } = renderApp('/login');
    await waitFor(() => expect(router.state.location.pathname).toBe(paths.dashboard(TENANT_ID)));
  });

  it('or to the page named in next', async () => {
    server.use(
      http.get(api(`${BASE}/integrations/kommo/status`), () => json(kommoNotConnected())),
      http.get(api(`${BASE}/integrations/slack`), () => json(slackNotConfigured)),
    );
    const { router } = renderApp(
      `/login?next=${encodeURIComponent(paths.integrations(TENANT_ID))}`,
    );
    await waitFor(() => expect(router.state.location.pathname).toBe(paths.integrations(TENANT_ID)));
  });
});

describe('route errors', () => {
  it('every top-level route has its own error page', () => {
    for (const route of routes) expect(route.errorElement, route.path).toBeTruthy();
  });

  it('shows a friendly message instead of the developer page, and Retry renders again', async () => {
    let broken = true;
    function Flaky() {
      if (broken) throw new Error('render failed');
      return <p>All good</p>;
    }
    function Shell() {
      return (
        <div>
          <p>Shell stays</p>
          <Outlet />
        </div>
      );
    }
    const router = createMemoryRouter(
      [
        {
          element: <Shell />,
          children: [{ path: '/', element: <Flaky />, errorElement: <RouteError /> }],
        },
      ],
      { initialEntries: ['/'] },
    );
    const user = userEvent.setup();
    // React reports the caught error on the console; that is expected here.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<RouterProvider router={router} />);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Something went wrong on this page');
    expect(alert).not.toHaveTextContent('render failed');
    expect(screen.queryByText(/Hey developer/)).not.toBeInTheDocument();
    expect(screen.getByText('Shell stays')).toBeInTheDocument();

    broken = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('All good')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    quiet.mockRestore();
  });

  it('offers a reload when a page’s code did not arrive', async () => {
    function Missing(): never {
      throw new TypeError('Failed to fetch dynamically imported module: /assets/Page-1.js');
    }
    const router = createMemoryRouter([
      { path: '/', element: <Missing />, errorElement: <RouteError /> },
    ]);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<RouterProvider router={router} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('This page could not be loaded');
  });
});
