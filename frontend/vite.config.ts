import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

import { precompress } from './vite-plugins/precompress.ts';
import { productionRouter, refuseDevelopmentBuilds } from './vite-plugins/productionBuilds.ts';

// The API serves /api/v1, /healthz and /readyz; in development Vite forwards them so the SPA and
// the API share one origin (the session cookie and the CSRF check both rely on that).
const apiTarget = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8000';
const proxied = Object.fromEntries(
  ['/api', '/healthz', '/readyz'].map((path) => [path, { target: apiTarget }]),
);

export default defineConfig(({ command }) => ({
  plugins: [react(), tailwindcss(), refuseDevelopmentBuilds(), precompress()],
  resolve: { alias: command === 'build' ? productionRouter : [] },
  server: {
    port: 5173,
    strictPort: true,
    proxy: proxied,
  },
  preview: {
    port: 4173,
    proxy: proxied,
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // A guard against hangs, not a speed target: CI machines share their cores.
    testTimeout: 20_000,
  },
}));
