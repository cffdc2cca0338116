import { NavLink } from 'react-router-dom';

import { NAV } from './nav';

function navClass({ isActive }: { isActive: boolean }): string {
  return `block rounded-control px-3 py-2 text-sm font-medium ${
    isActive
      ? 'bg-brand-50 text-brand-700'
      : 'text-ink-muted hover:bg-surface-sunken hover:text-ink'
  }`;
}

/** The workspace's sections; the one the page is in is marked (`aria-current="page"`). */
export function MainNav({ tenantId }: { tenantId: string }) {
  return (
    <nav aria-label="Main" className="space-y-1">
      {NAV.map((item) => (
        <NavLink key={item.label} to={item.to(tenantId)} className={navClass}>
          {item.label}
        </NavLink>
      ))}
    </nav>
  );
}

export function Brand() {
  return <span className="font-semibold text-brand-700">Agent Platform</span>;
}
