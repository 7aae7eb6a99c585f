// The WhatsApp Cloud API (Meta Graph API) messages endpoint, for the notice utility template:
// POST {base}/{version}/{phone-number-id}/messages with a bearer token. `sendTemplate` answers the
// wamid or throws a classified WhatsAppError (whatsapp/errors.ts); `sendNotice` adapts that to what
// the notice activities expect (network/notice-channel.ts).
//
// Error codes, as Meta documents them on
// https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
// (also reproduced with HTTP statuses on docs.ycloud.com …/handle-whatsapp-errors and
// developers.aivo.co/engage) and Graph's https://developers.facebook.com/docs/graph-api/guides/error-handling:
//   0 AuthException (401), 190 access token expired (401), 10 and 200–299 permission (403) → our configuration
//   4 app call limit (429), 80007 WABA rate limit, 130429 throughput "Rate limit hit" (429),
//   131048 spam rate limit, 131056 (business, consumer) pair rate limit → throttled, send later
//   1 API unknown, 2 API service, 131000 "Something went wrong" (500), 131016 service unavailable → server, retry
//   131026 message undeliverable (not a WhatsApp user, old client, terms not accepted) → this member, for good
//   131047 re-engagement (> 24 h since the user wrote; should not happen for templates) → this member
//   131051 unsupported message type → this member (as the issue asks; it is really our request)
//   131008 required parameter missing, 131009 parameter value not valid, 100 invalid parameter,
//   132000 parameter count mismatch, 132001 template does not exist (in this language),
//   132005 translated text too long, 132007 policy, 132012 parameter format, 132015 paused, 132016 disabled,
//   368 blocked for policy, 131031 account locked → configuration, for every member.
// Confirmed in the stored docs: 0, 4, 10, 190, 80007, 130429, 131000, 131008, 131026, 131048, 131056 and
// the 130429 answer shape (HTTP 429, type OAuthException, error_data.details). Not confirmed there (taken
// from the issue and Meta's page titles as we know them): 131047, 131051, 131016, 131009, 132000, 132001,
// 132005–132016, 131031. Note that Meta gives type "OAuthException" to nearly every Cloud API error,
// 130429 included, so the type alone never means "bad token".
import type { NoticeWhatsApp, WhatsAppSendResult } from '../network/notice-channel';
import { toMsisdn } from '../sms/provider';
import {
  WhatsAppConfigError,
  WhatsAppError,
  WhatsAppNetworkError,
  WhatsAppRecipientError,
  WhatsAppServerError,
  WhatsAppThrottledError,
  WhatsAppTimeoutError,
  type GraphErrorInfo,
} from './errors';

export * from './errors';

export interface CloudConfig {
  /** https://graph.facebook.com, or the simulator's URL. */
  baseUrl: string;
  /** Graph API version, e.g. v21.0. */
  version: string;
  /** The business phone number's id (not the number itself). */
  phoneNumberId: string;
  /** A system user's permanent access token with whatsapp_business_messaging. */
  token: string;
  /** Approved utility template name and language code. */
  template: string;
  language: string;
  /** Price of one utility-template message, for the cost per notice. */
  pricePoisha: number;
  timeoutMs?: number;
}

export interface TemplateSend {
  /** Bangladeshi mobile, 01XXXXXXXXX or 8801XXXXXXXXX (+, spaces and dashes allowed). */
  to: string;
  /** The body's {{1}}, {{2}} … in order. */
  parameters: string[];
  /** Defaults to the configured template and language. */
  template?: string;
  language?: string;
}

export interface TemplateAccepted {
  /** wamid.…: the id the status webhooks carry. */
  messageId: string;
  /** The number we sent to, 8801XXXXXXXXX. */
  to: string;
  /** WhatsApp's id for the user (usually the same digits), when Meta gives one. */
  waId: string | null;
  /** 'accepted' (or 'held_for_quality_assessment' …) when Meta says so; often absent. */
  messageStatus: string | null;
}

/** Meta's answer to a send. */
export interface GraphSendAnswer {
  messaging_product?: 'whatsapp';
  contacts?: { input?: string; wa_id?: string }[];
  messages?: { id?: string; message_status?: string }[];
}

/** Meta's error body. */
export interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
    error_data?: { messaging_product?: string; details?: string };
  };
}

/** "01712345678", "+880 1712-345678", "8801712345678" → "8801712345678"; anything else → null. */
export function toWhatsAppNumber(mobile: string): string | null {
  return toMsisdn(mobile);
}
/** The older name, kept for callers. */
export const waNumber = toWhatsAppNumber;

/**
 * Meta refuses template text parameters with new lines, tabs or more than four spaces in a row
 * (our understanding of its 132018/100 refusals; not confirmed in the docs we could read), so
 * they are flattened rather than failing a notice because its title had a line break.
 */
export function templateText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/ {4,}/g, '   ').trim();
}

/** The exact JSON body of a template send. */
export function templateRequestBody(to: string, template: string, language: string, parameters: string[]) {
  return {
    messaging_product: 'whatsapp' as const,
    recipient_type: 'individual' as const,
    to,
    type: 'template' as const,
    template: {
      name: template,
      language: { code: language },
      components: [{ type: 'body' as const, parameters: parameters.map((p) => ({ type: 'text' as const, text: templateText(p) })) }],
    },
  };
}

const RECIPIENT = new Set([131026, 131047, 131051, 131021]);
const THROTTLED = new Set([4, 80007, 130429, 131048, 131056]);
const SERVER = new Set([1, 2, 131000, 131016]);
const AUTH = new Set([0, 190]);
const TEMPLATE = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016]);
const ACCOUNT = new Set([368, 131031, 131042, 131045]);

/** Turns a non-2xx Graph answer into the error class that says what to do next. */
export function classifyGraphError(httpStatus: number, body: GraphErrorBody | null): WhatsAppError {
  const e = body?.error;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  const graph: GraphErrorInfo = {
    httpStatus,
    ...(code !== undefined ? { code } : {}),
    ...(e?.error_subcode !== undefined ? { subcode: e.error_subcode } : {}),
    ...(e?.type ? { type: e.type } : {}),
    ...(e?.error_data?.details ? { details: e.error_data.details } : {}),
    ...(e?.fbtrace_id ? { fbtraceId: e.fbtrace_id } : {}),
  };
  const what = `whatsapp: HTTP ${httpStatus}${code !== undefined ? ` code ${code}` : ''}: ${e?.message ?? 'no Graph error in the answer'}${graph.details ? ` (${graph.details})` : ''}`;
  if (code !== undefined && RECIPIENT.has(code)) return new WhatsAppRecipientError(what, { graph });
  if (httpStatus === 429 || (code !== undefined && THROTTLED.has(code))) return new WhatsAppThrottledError(what, { graph });
  if (httpStatus >= 500 || (code !== undefined && SERVER.has(code))) return new WhatsAppServerError(what, { graph });
  if ((code !== undefined && (AUTH.has(code) || code === 10 || (code >= 200 && code <= 299))) || httpStatus === 401 || httpStatus === 403) {
    return new WhatsAppConfigError(what, 'auth', { graph });
  }
  if (code !== undefined && TEMPLATE.has(code)) return new WhatsAppConfigError(what, 'template', { graph });
  if (code !== undefined && ACCOUNT.has(code)) return new WhatsAppConfigError(what, 'account', { graph });
  // 100, 131008, 131009 and any 4xx we do not know: the request is wrong, retrying repeats it.
  return new WhatsAppConfigError(what, 'request', { graph });
}

export class CloudWhatsApp implements NoticeWhatsApp {
  readonly pricePoisha: number;
  private readonly endpoint: string;

  constructor(private readonly cfg: CloudConfig) {
    this.pricePoisha = cfg.pricePoisha;
    this.endpoint = `${cfg.baseUrl.replace(/\/+$/, '')}/${cfg.version}/${encodeURIComponent(cfg.phoneNumberId)}/messages`;
  }

  /** Sends one template message; the wamid, or a thrown WhatsAppError (see whatsapp/errors.ts). */
  async sendTemplate(req: TemplateSend): Promise<TemplateAccepted> {
    const to = toWhatsAppNumber(req.to);
    if (!to) throw new WhatsAppRecipientError(`whatsapp: not a Bangladeshi mobile number: ${JSON.stringify(req.to)}`);
    const timeoutMs = this.cfg.timeoutMs ?? 15_000;
    const body = templateRequestBody(to, req.template ?? this.cfg.template, req.language ?? this.cfg.language, req.parameters);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.cfg.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new WhatsAppTimeoutError(`whatsapp: no answer within ${timeoutMs} ms`, { cause: err });
      const cause = e.cause ? ` (${(e.cause as Error).message ?? String(e.cause)})` : '';
      throw new WhatsAppNetworkError(`whatsapp: ${e.message}${cause}`, { cause: err });
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy's HTML page: classified by its HTTP status below, or unreadable if it was a 2xx.
    }
    if (!res.ok) throw classifyGraphError(res.status, json as GraphErrorBody | null);
    const answer = json as GraphSendAnswer | null;
    const id = answer?.messages?.[0]?.id;
    if (typeof id !== 'string' || !id) {
      throw new WhatsAppServerError(`whatsapp: HTTP ${res.status} without a message id: ${text.slice(0, 200)}`, { graph: { httpStatus: res.status } });
    }
    return { messageId: id, to, waId: answer?.contacts?.[0]?.wa_id ?? null, messageStatus: answer?.messages?.[0]?.message_status ?? null };
  }

  /**
   * The notice template (office, title, link) to one member, as network/notice-channel.ts wants it:
   * a refusal for this member or a configuration error is `{ ok: false, permanent: true }` (SMS will
   * carry the notice; configuration reasons start with "configuration:" and are logged), anything
   * worth retrying throws a WhatsAppRetryableError — check its `outcomeUnknown` before resending.
   */
  async sendNotice(to: string, params: { office: string; title: string; link: string }): Promise<WhatsAppSendResult> {
    try {
      const r = await this.sendTemplate({ to, parameters: [params.office, params.title, params.link] });
      return { ok: true, messageId: r.messageId };
    } catch (err) {
      if (err instanceof WhatsAppRecipientError) return { ok: false, permanent: true, reason: err.message };
      if (err instanceof WhatsAppConfigError) {
        console.error(`[whatsapp] ${err.problem} configuration error, the notice goes by SMS: ${err.message}`);
        return { ok: false, permanent: true, reason: `configuration: ${err.message}` };
      }
      throw err;
    }
  }
}
