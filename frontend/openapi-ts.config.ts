import { defineConfig } from '@hey-api/openapi-ts';

// The backend writes ./openapi.json (`make client`); this turns it into src/client.
// Never edit src/client by hand: `npm run generate:check` fails when it differs from a fresh run.
export default defineConfig({
  input: './openapi.json',
  output: { path: 'src/client' },
  plugins: [
    {
      name: '@hey-api/client-fetch',
      // Same-origin SPA: requests go to /api/v1/... relative to the page.
      baseUrl: false,
      // SDK calls throw (the error interceptor in src/api/client.ts turns bodies into ApiError).
      throwOnError: true,
    },
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
});
