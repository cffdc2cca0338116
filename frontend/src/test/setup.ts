import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { toast } from '../toasts/toastStore';
import { server } from './server';

// findBy*/waitFor give up after this: a guard against hangs, not a speed target (the default
// second is too short when CI's cores are busy with the backend's suite).
configure({ asyncUtilTimeout: 5000 });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  toast.clear();
  localStorage.clear();
});
afterAll(() => server.close());
