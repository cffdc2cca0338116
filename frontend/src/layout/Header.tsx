import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

export interface HeaderProps {
  tenantId: string;
  menuId: string;
  menuOpen: boolean;
  onOpenMenu: () => void;
}

/**
 * The bar above every workspace page: the menu button (phones, where the sidebar is a drawer),
 * the workspace switcher, and the signed-in user's menu.
 */
export function Header({ tenantId, menuId, menuOpen, onOpenMenu }: HeaderProps) {
  return (
    <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-surface-border bg-surface px-4 md:px-section">
      <button
        type="button"
        aria-label="Open menu"
        aria-haspopup="dialog"
        aria-expanded={menuOpen}
        aria-controls={menuOpen ? menuId : undefined}
        onClick={onOpenMenu}
        className="-ml-1 rounded-control p-2 text-ink-muted hover:bg-surface-sunken hover:text-ink md:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5">
          <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      </button>
      <WorkspaceSwitcher tenantId={tenantId} />
      <div className="ml-auto flex items-center gap-2">
        {/* Slots for the language and theme pickers (issue #14), left of the user's menu. */}
        <div data-slot="language" className="contents" />
        <div data-slot="theme" className="contents" />
        <UserMenu />
      </div>
    </header>
  );
}
