// How a WhatsApp Cloud API send can fail, in the shape of sms/provider.ts: one base class whose
// `retryable` says whether trying later can help, and `outcomeUnknown` says whether Meta may have
// accepted the message anyway (the Cloud API takes no idempotency key on /messages, so a resend
// after an unknown outcome can reach the member twice).

/** What Meta put in a Graph error, kept for the logs and the delivery row. */
export interface GraphErrorInfo {
  httpStatus?: number;
  code?: number;
  subcode?: number;
  type?: string;
  details?: string;
  fbtraceId?: string;
}

export abstract class WhatsAppError extends Error {
  abstract readonly retryable: boolean;
  /** True when the request may have reached Meta and been accepted (time-out, reset, 5xx). */
  readonly outcomeUnknown: boolean = false;
  readonly graph: GraphErrorInfo;
  constructor(message: string, options: { cause?: unknown; graph?: GraphErrorInfo } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.graph = options.graph ?? {};
  }
}

/** Trying again later may help. Kept as the common parent the notice activities catch. */
export class WhatsAppRetryableError extends WhatsAppError {
  readonly retryable = true;
}
/** The request may or may not have reached Meta (connection refused, reset, DNS). */
export class WhatsAppNetworkError extends WhatsAppRetryableError {
  override readonly outcomeUnknown = true;
}
/** No answer within the time-out: Meta may have accepted the message. */
export class WhatsAppTimeoutError extends WhatsAppRetryableError {
  override readonly outcomeUnknown = true;
}
/** HTTP 5xx, Graph's "something went wrong" codes, or an unreadable answer. */
export class WhatsAppServerError extends WhatsAppRetryableError {
  override readonly outcomeUnknown = true;
}
/** Meta asked us to slow down (HTTP 429, 130429, 131048, 131056, 80007, 4): not sent, send later. */
export class WhatsAppThrottledError extends WhatsAppRetryableError {}

/** This member cannot get WhatsApp from us (not a WhatsApp user, invalid number …): use SMS. */
export class WhatsAppRecipientError extends WhatsAppError {
  readonly retryable = false;
}
/**
 * Our side is wrong for every member (token expired or invalid, template name, language or
 * parameter count, phone number id): an operator must fix the settings; nothing goes by WhatsApp
 * until then, so callers should stop sending this batch and let SMS carry it.
 */
export class WhatsAppConfigError extends WhatsAppError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly problem: 'auth' | 'template' | 'request' | 'account',
    options: { cause?: unknown; graph?: GraphErrorInfo } = {},
  ) {
    super(message, options);
  }
}
