import type { FieldError, Problem } from '../client';
import { isOneOf } from '../lib/guards';

/** Stable `type` URIs of the backend's problems (see backend core/errors.py). */
export const PROBLEM_TYPE_PREFIX = 'urn:agentplatform:problem:';
export const problemType = (code: string): string => PROBLEM_TYPE_PREFIX + code;

/**
 * Everything an SDK call can throw: an RFC 9457 problem from the API, or a network failure
 * (`status` 0). The generated client is configured to throw, so TanStack Query sees these.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  /** True when the problem's stable type ends with `code`, e.g. `is('invalid-credentials')`. */
  is(code: string): boolean {
    return this.problem.type === problemType(code);
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  return (
    'title' in body &&
    typeof body.title === 'string' &&
    'status' in body &&
    typeof body.status === 'number'
  );
}

/** Turns whatever the fetch client hands its error interceptor into an ApiError. */
export function toApiError(body: unknown, response: Response | undefined): ApiError {
  if (body instanceof ApiError) return body;
  if (isProblem(body)) {
    return new ApiError({ ...body, type: body.type || 'about:blank' });
  }
  if (response === undefined) {
    const aborted = body instanceof DOMException && body.name === 'AbortError';
    return new ApiError({
      type: problemType(aborted ? 'aborted' : 'network-error'),
      title: aborted ? 'Request cancelled' : 'Cannot reach the server',
      status: 0,
      detail: aborted ? null : 'Check your connection and try again.',
    });
  }
  // Not problem+json (a proxy's HTML error page, say): keep the status, say what we know.
  return new ApiError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof body === 'string' && body.length > 0 && body.length < 300 ? body : null,
  });
}

/**
 * The problem's field errors keyed by form field: `body.slug` → `slug`, `body.scopes.0` →
 * `scopes`. Errors that do not belong to a body field are keyed by their full location.
 */
export function fieldErrorMap(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const item of error.fieldErrors) {
    const parts = item.field.split('.');
    const key = parts[0] === 'body' && parts.length > 1 ? (parts[1] ?? item.field) : item.field;
    out[key] = out[key] ? `${out[key]}; ${item.message}` : item.message;
  }
  return out;
}

/** A one-line human message: the problem's detail, or its title. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail || error.problem.title;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

export function errorTitle(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Not allowed';
    return error.problem.title;
  }
  return 'Something went wrong';
}

/**
 * Splits a problem for a form: messages for the fields the form has, and one line for the rest
 * (a field the form does not show, or a problem without field errors when `includeGeneral`).
 */
export function formErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  { includeGeneral = false }: { includeGeneral?: boolean } = {},
): { fields: Partial<Record<F, string>>; form: string | undefined } {
  if (!error) return { fields: {}, form: undefined };
  const byField = fieldErrorMap(error);
  const known: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const [key, message] of Object.entries(byField)) {
    if (isOneOf(fields, key)) known[key] = message;
    else rest.push(`${key}: ${message}`);
  }
  if (rest.length === 0 && Object.keys(byField).length === 0 && includeGeneral) {
    rest.push(errorMessage(error));
  }
  return { fields: known, form: rest.length > 0 ? rest.join('; ') : undefined };
}
