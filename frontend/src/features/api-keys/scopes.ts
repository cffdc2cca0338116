import type { ApiKeyCreate } from '../../client';

/** A scope the API knows (the API lists every domain's scopes in its schema). */
export type Scope = ApiKeyCreate['scopes'][number];
