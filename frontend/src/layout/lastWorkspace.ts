const KEY = 'agentplatform.lastWorkspace';

/** The workspace opened last, so that "/" returns to it. */
export function rememberWorkspace(tenantId: string): void {
  try {
    localStorage.setItem(KEY, tenantId);
  } catch {
    // Storage can be unavailable (private mode); remembering is a nicety.
  }
}

export function lastWorkspace(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
