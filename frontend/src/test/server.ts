import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';

import type { Problem } from '../client';
import { session } from './fixtures';

/** Absolute URL of an API path on the page's origin (where the client sends requests). */
export const api = (path: string): string => new URL(path, window.location.origin).href;

export function json(body: JsonBodyType, status = 200): Response {
  return HttpResponse.json(body, { status });
}

export function problemResponse(body: Problem): Response {
  return HttpResponse.json(body, {
    status: body.status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

/** A signed-in owner of two workspaces; tests add what their page needs with `server.use`. */
export const signedIn = [
  http.get(api('/api/v1/auth/me'), () => json(session)),
  http.get(api('/api/v1/tenants'), () => json(session.tenants)),
];

export const server = setupServer(...signedIn);
