// The web app's only way to data: the same HTTP API, with the user's own session, so every load
// and action is checked by the API's scope rules (api/access/scope.ts) — nothing is trusted here.
// In production api/main.ts hands us the Hono app's fetch and the call stays in the process; under
// `vite dev` it goes over HTTP to ASRAYON_API_URL.
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';

type InProcessFetch = (request: Request, bindings: { incoming?: unknown }) => Promise<Response>;
const IN_PROCESS = Symbol.for('asrayon.api.fetch');

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  requestId?: string;
}

/** A non-2xx answer from the API, with its error body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

const FORWARDED = ['cookie', 'user-agent', 'accept-language', 'x-request-id'];

export async function api(event: Pick<RequestEvent, 'request' | 'platform'>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const name of FORWARDED) {
    const value = event.request.headers.get(name);
    if (value && !headers.has(name)) headers.set(name, value);
  }
  if (init.body && typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const inProcess = (globalThis as Record<symbol, InProcessFetch | undefined>)[IN_PROCESS];
  if (inProcess) return inProcess(new Request(new URL(path, 'http://asrayon.internal'), { ...init, headers }), { incoming: event.platform?.req });
  const base = env.ASRAYON_API_URL ?? 'http://127.0.0.1:8080';
  return fetch(new URL(path, base), { ...init, headers });
}

async function failureOf(res: Response): Promise<ApiFailure> {
  let body: ApiErrorBody = { code: 'INTERNAL', message: res.statusText || 'request failed' };
  try {
    const json = (await res.json()) as { error?: ApiErrorBody };
    if (json.error) body = json.error;
  } catch {
    // not JSON: keep the status text
  }
  return new ApiFailure(res.status, body);
}

/** GET (or any call) answering JSON; a refusal becomes SvelteKit's error page with the API's words. */
export async function apiGet<T>(event: Pick<RequestEvent, 'request' | 'platform'>, path: string): Promise<T> {
  const res = await api(event, path);
  if (!res.ok) {
    const failure = await failureOf(res);
    error(res.status, { message: failure.body.message, code: failure.body.code });
  }
  return (await res.json()) as T;
}

/** A form action's call: JSON in, JSON out; a refusal becomes `fail(status, { error })` for the form. */
export async function apiSend<T>(
  event: Pick<RequestEvent, 'request' | 'platform'>,
  path: string,
  body: unknown,
  method = 'POST',
): Promise<{ ok: true; data: T; response: Response } | { ok: false; failure: ReturnType<typeof fail<{ error: ApiErrorBody }>> }> {
  const res = await api(event, path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) {
    const failure = await failureOf(res);
    return { ok: false, failure: fail(res.status, { error: failure.body }) };
  }
  const data = res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  return { ok: true, data, response: res };
}

/** Query string from defined values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
