import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { authLogin, tenantsUpdateTenant } from '../client';
import { fieldError, problem, TENANT_ID } from '../test/fixtures';
import { api, problemResponse, server } from '../test/server';
import { configureApiClient } from './client';
import { ApiError, fieldErrorMap, formErrors, toApiError } from './problem';

/** The ApiError a call rejects with (fails the test if it resolves). */
async function failure(call: Promise<unknown>): Promise<ApiError> {
  const outcome = await call.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof ApiError))
    throw new Error(`expected an ApiError, got ${String(outcome)}`);
  return outcome;
}

const validation = problem(422, 'validation-failed', 'The request is not valid', {
  detail: '2 invalid field(s)',
  instance: `/api/v1/tenants/${TENANT_ID}`,
  errors: [
    fieldError(
      'body.timezone',
      "Value error, unknown IANA time zone, e.g. 'Europe/Madrid' or 'UTC'",
    ),
    fieldError(
      'body.locale',
      "Value error, expected a BCP 47 language tag such as 'en', 'es' or 'pt-BR'",
    ),
  ],
});

describe('problem+json → field errors', () => {
  it('maps each body field error to its form field', () => {
    const error = toApiError(validation, new Response(null, { status: 422 }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.is('validation-failed')).toBe(true);
    expect(fieldErrorMap(error)).toEqual({
      timezone: "Value error, unknown IANA time zone, e.g. 'Europe/Madrid' or 'UTC'",
      locale: "Value error, expected a BCP 47 language tag such as 'en', 'es' or 'pt-BR'",
    });
  });

  it('keeps errors for fields the form does not show as a form-level message', () => {
    const error = toApiError(
      problem(422, 'validation-failed', 'The request is not valid', {
        errors: [fieldError('body.name', 'Field required'), fieldError('query.limit', 'too big')],
      }),
      undefined,
    );
    expect(formErrors(error, ['name'] as const)).toEqual({
      fields: { name: 'Field required' },
      form: 'query.limit: too big',
    });
  });

  it('uses the detail (or title) for a problem without field errors when asked', () => {
    const error = toApiError(problem(429, 'rate-limited', 'Too many requests'), undefined);
    expect(formErrors(error, ['email'] as const)).toEqual({ fields: {}, form: undefined });
    expect(formErrors(error, ['email'] as const, { includeGeneral: true }).form).toBe(
      'Too many requests',
    );
  });

  it('turns what the generated client receives into a thrown ApiError', async () => {
    configureApiClient({ onUnauthorized: vi.fn() });
    server.use(
      http.patch(api(`/api/v1/tenants/${TENANT_ID}`), () =>
        problemResponse(
          problem(409, 'conflict', 'Conflict', {
            detail: "The slug 'acme' is taken",
            errors: [
              { field: 'body.slug', loc: ['body', 'slug'], message: 'taken', code: 'taken' },
            ],
          }),
        ),
      ),
    );
    const error = await failure(
      tenantsUpdateTenant({ path: { tenant_id: TENANT_ID }, body: { slug: 'acme' } }),
    );
    expect(error.message).toBe("The slug 'acme' is taken");
    expect(fieldErrorMap(error)).toEqual({ slug: 'taken' });
  });

  it('calls onUnauthorized for an expired session but not for a wrong password', async () => {
    const onUnauthorized = vi.fn();
    configureApiClient({ onUnauthorized });
    server.use(
      http.post(api('/api/v1/auth/login'), () =>
        problemResponse(problem(401, 'invalid-credentials', 'Email or password is wrong')),
      ),
      http.patch(api(`/api/v1/tenants/${TENANT_ID}`), () =>
        problemResponse(
          problem(401, 'unauthorized', 'Authentication required', {
            detail: 'The session has expired; sign in again',
          }),
        ),
      ),
    );
    await expect(authLogin({ body: { email: 'a@example.com', password: 'x' } })).rejects.toThrow(
      'Email or password is wrong',
    );
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(
      tenantsUpdateTenant({ path: { tenant_id: TENANT_ID }, body: { name: 'x' } }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('describes a response that is not problem+json, and a network failure', async () => {
    configureApiClient({ onUnauthorized: vi.fn() });
    server.use(
      http.patch(
        api(`/api/v1/tenants/${TENANT_ID}`),
        () =>
          new HttpResponse('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      ),
      http.post(api('/api/v1/auth/login'), () => HttpResponse.error()),
    );
    const bad = await failure(tenantsUpdateTenant({ path: { tenant_id: TENANT_ID }, body: {} }));
    expect(bad.status).toBe(502);
    expect(bad.problem.title).toBe('Bad Gateway');
    const offline = await failure(authLogin({ body: { email: 'a@example.com', password: 'x' } }));
    expect(offline.status).toBe(0);
    expect(offline.problem.title).toBe('Cannot reach the server');
  });
});
