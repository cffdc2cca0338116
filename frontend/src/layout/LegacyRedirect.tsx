import { Navigate, useLocation } from 'react-router-dom';

import { NotFoundPage } from '../pages/NotFoundPage';
import { legacyPath } from '../paths';

/** `/w/:tenantId/...` (the first layout's addresses, in bookmarks and old links) → `/manage/...`. */
export function LegacyRedirect() {
  const { pathname, search, hash } = useLocation();
  const target = legacyPath(pathname);
  if (!target) return <NotFoundPage />;
  return <Navigate to={{ pathname: target, search, hash }} replace />;
}
