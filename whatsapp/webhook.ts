// The Cloud API webhook. Meta verifies the endpoint once with a GET (hub.mode=subscribe,
// hub.verify_token, hub.challenge → the challenge as plain text) and then POSTs notifications of the
// `messages` field signed with the app secret: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
// raw body>. Unsigned or wrongly signed posts are refused with 401 and logged; the signature is
// checked on the bytes as received, before any JSON parsing.
//
// Statuses (entry[].changes[].value.statuses[]) are handed to `onStatuses`; Meta does not promise
// their order (a "delivered" can come after "read"), so the receiver must apply them forward only.
// Inbound messages (value.messages[]) are counted and otherwise ignored: notices expect no replies.
// A failing `onStatuses` answers 500 so that Meta retries the notification later.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export type WhatsAppDeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface WhatsAppStatusError {
  code: number | null;
  title: string;
  details: string | null;
}

export interface WhatsAppStatus {
  /** The wamid the send answered. */
  messageId: string;
  status: WhatsAppDeliveryStatus;
  /** When Meta says it happened, in ms since the epoch (the payload has seconds). */
  at: number;
  /** The member's WhatsApp id (8801XXXXXXXXX). */
  recipient: string;
  /** The errors of a failed status in one line ("131026 Message undeliverable"), else null. */
  error: string | null;
  errors: WhatsAppStatusError[];
}

export interface WhatsAppWebhookBatch {
  statuses: WhatsAppStatus[];
  /** Messages members sent to our number (not used by notices). */
  inboundMessages: number;
  /** Statuses we do not act on (unknown status value, no id). */
  ignoredStatuses: number;
  /** Account-level errors Meta reports in value.errors[] (not tied to a message). */
  errors: WhatsAppStatusError[];
}

export interface WhatsAppWebhookOptions {
  verifyToken: string;
  appSecret: string;
  onStatuses(statuses: WhatsAppStatus[]): Promise<void>;
  /** Where refusals and counts are written; console by default. */
  log?: (line: string) => void;
}

const STATUSES: ReadonlySet<string> = new Set<WhatsAppDeliveryStatus>(['sent', 'delivered', 'read', 'failed']);

/** The X-Hub-Signature-256 value Meta would send for this body. */
export function signature(appSecret: string, raw: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** True when `header` is sha256=<hex> of the HMAC of exactly these bytes; compared in constant time. */
export function verifySignature(appSecret: string, raw: string | Uint8Array, header: string | undefined | null): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface RawError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}
interface RawStatus {
  id?: string;
  status?: string;
  timestamp?: string | number;
  recipient_id?: string;
  errors?: RawError[];
}
interface RawPayload {
  entry?: { changes?: { field?: string; value?: { statuses?: RawStatus[]; messages?: unknown[]; errors?: RawError[] } }[] }[];
}

function toError(e: RawError): WhatsAppStatusError {
  return { code: typeof e.code === 'number' ? e.code : null, title: e.title ?? e.message ?? '', details: e.error_data?.details ?? null };
}

/** Everything a notification carries that we use; tolerant of missing parts, never throws. */
export function parseWebhook(body: unknown): WhatsAppWebhookBatch {
  const batch: WhatsAppWebhookBatch = { statuses: [], inboundMessages: 0, ignoredStatuses: 0, errors: [] };
  const entries = (body as RawPayload | null)?.entry;
  if (!Array.isArray(entries)) return batch;
  for (const entry of entries) {
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      const value = change?.value;
      if (!value) continue;
      if (Array.isArray(value.messages)) batch.inboundMessages += value.messages.length;
      if (Array.isArray(value.errors)) batch.errors.push(...value.errors.map(toError));
      for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
        if (typeof s?.id !== 'string' || !s.id || !STATUSES.has(s.status ?? '')) {
          batch.ignoredStatuses += 1;
          continue;
        }
        const errors = Array.isArray(s.errors) ? s.errors.map(toError) : [];
        const seconds = Number(s.timestamp);
        batch.statuses.push({
          messageId: s.id,
          status: s.status as WhatsAppDeliveryStatus,
          at: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now(),
          recipient: s.recipient_id ?? '',
          error: errors.length ? errors.map((x) => `${x.code ?? ''} ${x.title}`.trim()).join('; ') : null,
          errors,
        });
      }
    }
  }
  return batch;
}

/** The statuses of a notification (see parseWebhook). */
export function parseStatuses(body: unknown): WhatsAppStatus[] {
  return parseWebhook(body).statuses;
}

/** Constant-time string comparison for the verify token. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const WEBHOOK_MAX_BYTES = 1024 * 1024;

/** The webhook as a Hono sub-app; mount it with app.route('/api/whatsapp/webhook', …). */
export function whatsappWebhookRoutes(opts: WhatsAppWebhookOptions): Hono {
  const log = opts.log ?? ((line: string) => console.warn(line));
  const app = new Hono();

  app.get('/', (c) => {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token') ?? '';
    const challenge = c.req.query('hub.challenge');
    if (mode === 'subscribe' && challenge !== undefined && sameText(token, opts.verifyToken)) return c.text(challenge, 200);
    log('[whatsapp] webhook verification refused: wrong hub.mode or hub.verify_token');
    return c.json({ error: { code: 'FORBIDDEN', message: 'verify token does not match' } }, 403);
  });

  // Meta batches at most a few hundred KB of statuses per call; larger is refused while it streams in.
  const limit = bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: (c) => c.json({ error: { code: 'TOO_LARGE', message: `body larger than ${WEBHOOK_MAX_BYTES} bytes` } }, 413) });
  app.post('/', limit, async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const header = c.req.header('x-hub-signature-256');
    if (!verifySignature(opts.appSecret, raw, header)) {
      log(`[whatsapp] webhook refused: ${header ? 'signature does not match' : 'no X-Hub-Signature-256'} (${raw.length} bytes)`);
      return c.json({ error: { code: 'UNAUTHORIZED', message: 'missing or invalid X-Hub-Signature-256' } }, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      return c.json({ error: { code: 'BAD_REQUEST', message: 'body is not JSON' } }, 400);
    }
    const batch = parseWebhook(body);
    for (const e of batch.errors) log(`[whatsapp] account error from Meta: ${e.code ?? ''} ${e.title}${e.details ? ` (${e.details})` : ''}`);
    if (batch.statuses.length) {
      try {
        await opts.onStatuses(batch.statuses);
      } catch (err) {
        log(`[whatsapp] statuses not recorded, Meta will retry: ${(err as Error).message}`);
        return c.json({ error: { code: 'INTERNAL', message: 'statuses not recorded' } }, 500);
      }
    }
    return c.json({ received: { statuses: batch.statuses.length, inboundMessages: batch.inboundMessages, ignoredStatuses: batch.ignoredStatuses } });
  });

  return app;
}
