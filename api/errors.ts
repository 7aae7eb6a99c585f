// One error shape at the HTTP edge: { error: { code, message, field?, requestId } }.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
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

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      field: z.string().optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

/** SQLSTATE 22021 character_not_in_repertoire, 22P05 untranslatable_character. */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

export function renderError(err: Error, c: Context): Response {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  if (err instanceof ApiError) {
    return c.json({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), requestId } }, ERROR_STATUS[err.code]);
  }
  // Text PostgreSQL cannot store (a NUL character, invalid UTF-8) is the sender's problem, not ours.
  if (UNSTORABLE_TEXT.has((err as { code?: unknown }).code as string)) {
    return c.json({ error: { code: 'BAD_REQUEST', message: 'a text field contains a character that cannot be stored (such as NUL); remove it and send again', requestId } }, 400);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: 'BAD_REQUEST', message: err.message, requestId } }, err.status as ContentfulStatusCode);
  }
  console.error(`[api] ${requestId} unhandled error`, err);
  return c.json({ error: { code: 'INTERNAL', message: 'something went wrong on our side; the request id helps us find it', requestId } }, 500);
}

/** Turns a failed request validation into the one error shape, naming the first bad field. */
export function validationHook(result: { success: boolean; error?: z.ZodError; target?: string }, c: Context): Response | undefined {
  if (result.success || !result.error) return undefined;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || result.target || '';
  const message = issue.code === 'invalid_type' && issue.input === undefined ? `${field} is required` : `${field}: ${issue.message}`;
  return renderError(new ApiError('BAD_REQUEST', message, field || undefined), c);
}

/** Response entries for the OpenAPI document: the error shape under each status. */
export function errorResponses(...codes: ErrorCode[]) {
  return Object.fromEntries(
    codes.map((code) => [ERROR_STATUS[code], { description: code, content: { 'application/json': { schema: ErrorBody } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorBody } } }>;
}
