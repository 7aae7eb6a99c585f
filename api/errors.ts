// One error shape at the HTTP edge: { error: { code, message, field?, requestId } }.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function renderError(err: Error, c: Context): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  if (err instanceof ApiError) {
    return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), requestId } }, ERROR_STATUS[err.code]);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: 'BAD_REQUEST', message: err.message, requestId } }, err.status as ContentfulStatusCode);
  }
  console.error(`[api] ${requestId} unhandled error`, err);
  return c.json({ error: { code: 'INTERNAL', message: 'something went wrong on our side; the request id helps us find it', requestId } }, 500);
}
