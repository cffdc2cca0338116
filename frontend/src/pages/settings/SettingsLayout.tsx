import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';

import { useTenant } from '../../layout/tenantContext';
import { paths, SETTINGS_TABS, type SettingsTab } from '../../paths';

const LABELS: Record<SettingsTab, string> = {
  workspace: 'Workspace',
  members: 'Members',
  'api-keys': 'API keys',
  'feature-flags': 'Feature flags',
  ai: 'AI providers',
};

function tabClass({ isActive }: { isActive: boolean }): string {
  return `-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap ${
    isActive
      ? 'border-brand-600 text-brand-700'
      : 'border-transparent text-ink-muted hover:text-ink'
  }`;
}

/** The workspace's settings, one tab each (each its own address); the tabs scroll on a phone. */
export function SettingsLayout() {
  const { tenantId } = useTenant();
  const { pathname } = useLocation();
  const nav = useRef<HTMLElement>(null);
  // On a phone the tabs are wider than the screen: bring the open one into view.
  useEffect(() => {
    const current = nav.current?.querySelector<HTMLElement>('[aria-current="page"]');
    if (nav.current && current) nav.current.scrollLeft = Math.max(0, current.offsetLeft - 16);
  }, [pathname]);
  return (
    <>
      <nav
        ref={nav}
        aria-label="Settings"
        className="relative mb-gutter flex gap-1 overflow-x-auto border-b border-surface-border"
      >
        {SETTINGS_TABS.map((tab) => (
          <NavLink key={tab} to={paths.settings(tenantId, tab)} className={tabClass}>
            {LABELS[tab]}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
