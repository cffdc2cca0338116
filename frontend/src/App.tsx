import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';

import type { AppContext } from './appContext';
import { Toaster } from './toasts/Toaster';

export function App({ router, queryClient }: AppContext) {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster />
    </QueryClientProvider>
  );
}
