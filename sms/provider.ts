// What every SMS gateway looks like to the outbox sender, and how its failures are classified.
// A provider either answers (accepted, or rejected for a reason it gives) or throws one of the
// retryable errors below when the outcome is unknown or temporary (network, 5xx, time-out, throttling).

export interface SendRequest {
  /** Bangladeshi mobile number, local (01XXXXXXXXX) or international (8801XXXXXXXXX). */
  to: string;
  body: string;
  /** Our id for the message (derived from the outbox id); providers that support one deduplicate on it. */
  clientMessageId: string;
}

export interface SendResult {
  providerMessageId: string | null;
  status: 'accepted' | 'rejected';
  /** A rejection that will not change on retry (invalid or blocked number): the borrower's number is flagged. */
  permanent?: boolean;
  reason?: string;
}

export type DeliveryState = 'unknown' | 'accepted' | 'delivered' | 'failed';

/** What a delivery-status look-up found: the state, and the provider's own id when it names one. */
export interface DeliveryStatus {
  state: DeliveryState;
  providerMessageId: string | null;
}

export interface SmsProvider {
  readonly name: string;
  /** True when the provider drops a second message with the same clientMessageId (safe to resend). */
  readonly dedupesClientIds: boolean;
  /** The provider forgets client ids at the end of the (Dhaka) day: a resend on a later day is not dropped. */
  readonly dedupesSameDayOnly?: boolean;
  send(req: SendRequest): Promise<SendResult>;
  /** What the provider knows of a message we sent (by our id, or its id when we have it). */
  deliveryStatus?(ref: { clientMessageId: string; providerMessageId?: string | null }): Promise<DeliveryStatus>;
}

/** Base of the errors a send may throw; `retryable` says whether trying later can help. */
export abstract class SmsError extends Error {
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request may or may not have reached the provider (connection refused, reset, DNS). */
export class SmsNetworkError extends SmsError {
  readonly retryable = true;
}
/** No answer in time: the provider may have accepted the message. */
export class SmsTimeoutError extends SmsError {
  readonly retryable = true;
}
/** 5xx or an unreadable answer from the provider. */
export class SmsServerError extends SmsError {
  readonly retryable = true;
}
/** The provider asked us to slow down (HTTP 429 or its own throttling code). */
export class SmsThrottledError extends SmsError {
  readonly retryable = true;
}
/** Prepaid balance exhausted: retry after someone tops up, never blame the borrower's number. */
export class SmsInsufficientBalanceError extends SmsError {
  readonly retryable = true;
}
/** Our own account or sender id is wrong or disabled: an operator must fix it; messages wait. */
export class SmsConfigError extends SmsError {
  readonly retryable = true;
}
/** The number cannot receive SMS (invalid, blocked, DND): the message fails and the number is flagged. */
export class SmsPermanentError extends SmsError {
  readonly retryable = false;
}

/** "01712345678", "+8801712345678", "8801712345678" → "8801712345678"; anything else → null. */
export function toMsisdn(mobile: string): string | null {
  const digits = mobile.replace(/[\s-]/g, '').replace(/^\+/, '');
  const local = /^01[3-9]\d{8}$/.test(digits) ? `88${digits}` : digits;
  return /^8801[3-9]\d{8}$/.test(local) ? local : null;
}

/**
 * fetch with a hard time-out, turning transport failures into the retryable error classes.
 * Answers with HTTP 429 or 5xx throw; any other answer is returned for the caller to interpret.
 */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number, who: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new SmsTimeoutError(`${who}: no answer within ${timeoutMs} ms`, { cause: err });
    throw new SmsNetworkError(`${who}: ${e.message}${e.cause ? ` (${(e.cause as Error).message ?? String(e.cause)})` : ''}`, { cause: err });
  }
  if (res.status === 429) throw new SmsThrottledError(`${who}: HTTP 429 ${await safeText(res)}`);
  if (res.status >= 500) throw new SmsServerError(`${who}: HTTP ${res.status} ${await safeText(res)}`);
  return res;
}

/** The JSON body of an answer, or SmsServerError when it is not JSON (a proxy's HTML error page). */
export async function readJson<T>(res: Response, who: string): Promise<T> {
  const text = await safeText(res);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SmsServerError(`${who}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
}

async function safeText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return '';
  }
}
