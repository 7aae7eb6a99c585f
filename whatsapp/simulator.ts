// A local WhatsApp Cloud API for development, the demo and the tests. The messages endpoint checks
// what Meta checks (bearer token, phone number id, messaging_product, an approved template in that
// language with its number of body parameters, the recipient) and answers in Meta's shapes; after
// accepting, it posts signed status webhooks (sent → delivered → read) to the configured URL, as Meta
// does, from the app secret. Numbers can behave like village reality: not on WhatsApp, never
// delivered (no data on the phone), delivered but never read; and the service itself can fail (5xx),
// throttle (130429 / HTTP 429) or hang past the client's time-out.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { signature, type WhatsAppDeliveryStatus } from './webhook';

/** A template: its number of body parameters, or that and the languages it is approved in. */
export type SimTemplate = number | { params: number; languages: string[] };

export interface WhatsAppSimulatorOptions {
  port?: number;
  host?: string;
  token?: string;
  phoneNumberId?: string;
  appSecret?: string;
  /** Approved templates; default { cooperative_notice: 3 } in any language. */
  templates?: Record<string, SimTemplate>;
  /** Where status webhooks go; or set later with setWebhook when the receiver starts after. */
  webhookUrl?: string;
  /** Delay before each status (sent, delivered, read); default 200 ms. */
  stepMs?: number;
  /** Per-status delays, overriding stepMs. */
  delays?: Partial<Record<'sentMs' | 'deliveredMs' | 'readMs', number>>;
}

export interface WhatsAppSimBehaviour {
  /** Numbers (8801…) that are not WhatsApp users: the send is refused with 131026. */
  notOnWhatsApp?: string[];
  /** Numbers accepted but then reported `failed` with 131026 by webhook (how Meta often reports it). */
  failAfterAccept?: string[];
  /** Numbers whose phone never comes online: accepted and `sent`, never `delivered`. */
  neverDelivered?: string[];
  /** Numbers that get the message but never open it (or have read receipts off). */
  neverRead?: string[];
  /** Answer the next N sends with HTTP 500 (131000) before looking at them. */
  failNext?: number;
  /** Answer the next N sends with HTTP 429 (130429 Rate limit hit). */
  throttleNext?: number;
  /** Hold the next N answers for hangMs (longer than the client's time-out), then 504. */
  hangNext?: number;
  hangMs?: number;
  /** Whether a held send was accepted anyway (Meta got it, the answer was lost). */
  acceptWhenHanging?: boolean;
}

export interface SimulatedWhatsAppMessage {
  id: string;
  to: string;
  template: string;
  language: string;
  params: string[];
  at: number;
  /** Statuses posted so far, in order. */
  statuses: WhatsAppDeliveryStatus[];
}

export interface WhatsAppSimulator {
  url: string;
  token: string;
  phoneNumberId: string;
  appSecret: string;
  setWebhook(url: string | null): void;
  /** Adds to the current behaviour (numbers are added, counters increased). */
  behave(b: WhatsAppSimBehaviour): void;
  /** Accepted messages, oldest first. */
  messages(): SimulatedWhatsAppMessage[];
  /** Send requests received, refused and failed ones included. */
  requests(): number;
  /** Status webhooks posted: the HTTP status our receiver answered, or null when unreachable. */
  webhooks(): { messageId: string; status: WhatsAppDeliveryStatus; answered: number | null }[];
  /** Forgets messages, behaviours and pending statuses. */
  reset(): void;
  stop(): Promise<void>;
}

const MSISDN = /^8801[3-9]\d{8}$/;

/** Meta's error body (v16.0+ has no error_subcode for Cloud API errors; Graph's own ones keep it). */
function graphError(code: number, title: string, details: string, type = 'OAuthException', subcode?: number) {
  return {
    error: {
      message: `(#${code}) ${title}`,
      type,
      code,
      ...(subcode !== undefined ? { error_subcode: subcode } : {}),
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: `A${randomBytes(10).toString('base64url')}`,
    },
  };
}

export async function startWhatsAppSimulator(opts: WhatsAppSimulatorOptions = {}): Promise<WhatsAppSimulator> {
  const token = opts.token ?? `EAAG${randomBytes(12).toString('hex')}`;
  const phoneNumberId = opts.phoneNumberId ?? '109876543210';
  const appSecret = opts.appSecret ?? randomBytes(16).toString('hex');
  const templates = opts.templates ?? { cooperative_notice: 3 };
  const step = opts.stepMs ?? 200;
  const delay = { sent: opts.delays?.sentMs ?? step, delivered: opts.delays?.deliveredMs ?? step, read: opts.delays?.readMs ?? step };
  let webhookUrl = opts.webhookUrl ?? null;
  let sent: SimulatedWhatsAppMessage[] = [];
  let posted: { messageId: string; status: WhatsAppDeliveryStatus; answered: number | null }[] = [];
  let received = 0;
  let generation = 0;
  const timers = new Set<NodeJS.Timeout>();
  const holds = new Set<() => void>();
  const fresh = () => ({
    notOnWhatsApp: new Set<string>(),
    failAfterAccept: new Set<string>(),
    neverDelivered: new Set<string>(),
    neverRead: new Set<string>(),
    failNext: 0,
    throttleNext: 0,
    hangNext: 0,
    hangMs: 30_000,
    acceptWhenHanging: false,
  });
  let behaviour = fresh();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function postStatus(m: SimulatedWhatsAppMessage, status: WhatsAppDeliveryStatus): Promise<void> {
    m.statuses.push(status);
    if (!webhookUrl) return;
    const s: Record<string, unknown> = { id: m.id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: m.to };
    if (status === 'failed') {
      s.errors = [{ code: 131026, title: 'Message undeliverable.', message: 'Message undeliverable.', error_data: { details: 'Message Undeliverable.' } }];
    } else {
      s.pricing = { billable: true, pricing_model: 'PMP', category: 'utility' };
    }
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA-SIM', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '8809600000000', phone_number_id: phoneNumberId }, statuses: [s] } }] }],
    });
    let answered: number | null = null;
    try {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature(appSecret, raw) }, body: raw, signal: AbortSignal.timeout(10_000) });
      answered = res.status;
      await res.body?.cancel();
    } catch {
      answered = null;
    }
    posted.push({ messageId: m.id, status, answered });
  }

  /** The statuses Meta would send for this message, spaced by the configured delays. */
  async function lifecycle(m: SimulatedWhatsAppMessage, gen: number): Promise<void> {
    const alive = () => gen === generation;
    await sleep(delay.sent);
    if (!alive()) return;
    if (behaviour.failAfterAccept.has(m.to)) return postStatus(m, 'failed');
    await postStatus(m, 'sent');
    if (behaviour.neverDelivered.has(m.to)) return;
    await sleep(delay.delivered);
    if (!alive()) return;
    await postStatus(m, 'delivered');
    if (behaviour.neverRead.has(m.to)) return;
    await sleep(delay.read);
    if (!alive()) return;
    await postStatus(m, 'read');
  }

  function accept(to: string, template: string, language: string, params: string[]): SimulatedWhatsAppMessage {
    const m: SimulatedWhatsAppMessage = { id: `wamid.${randomBytes(24).toString('base64url')}`, to, template, language, params, at: Date.now(), statuses: [] };
    sent.push(m);
    void lifecycle(m, generation);
    return m;
  }

  async function hold(c: Context, onHold: () => void): Promise<Response> {
    if (behaviour.acceptWhenHanging) onHold();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        holds.delete(done);
        resolve();
      };
      const t = setTimeout(done, behaviour.hangMs);
      holds.add(done);
    });
    return c.json(graphError(2, 'Service temporarily unavailable', 'Gateway time-out'), 504);
  }

  interface SendBody {
    messaging_product?: string;
    recipient_type?: string;
    to?: string;
    type?: string;
    template?: { name?: string; language?: { code?: string }; components?: { type?: string; parameters?: { type?: string; text?: string }[] }[] };
  }

  const app = new Hono();
  app.post('/:version/:phoneId/messages', async (c) => {
    received += 1;
    if (c.req.header('authorization') !== `Bearer ${token}`) {
      return c.json(graphError(190, 'Invalid OAuth access token - Cannot parse access token', 'Invalid OAuth access token - Cannot parse access token'), 401);
    }
    if (c.req.param('phoneId') !== phoneNumberId) {
      const id = c.req.param('phoneId');
      return c.json(graphError(100, `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, 'Unsupported post request', 'GraphMethodException', 33), 400);
    }
    if (behaviour.failNext > 0) {
      behaviour.failNext -= 1;
      return c.json(graphError(131000, 'Something went wrong', 'Something went wrong'), 500);
    }
    if (behaviour.throttleNext > 0) {
      behaviour.throttleNext -= 1;
      return c.json(graphError(130429, 'Rate limit hit', 'Message failed to send because there were too many messages sent from this phone number in a short period of time'), 429);
    }
    const body = (await c.req.json().catch(() => null)) as SendBody | null;
    if (!body || body.messaging_product !== 'whatsapp') return c.json(graphError(100, 'Invalid parameter', 'The parameter messaging_product is required.'), 400);
    const to = body.to ?? '';
    if (!MSISDN.test(to)) return c.json(graphError(100, 'Invalid parameter', `Invalid 'to' parameter: ${to}`), 400);
    if (body.type === 'text') return c.json(graphError(131047, 'Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'), 400);
    if (body.type !== 'template') return c.json(graphError(131051, 'Unsupported message type', `Message type ${body.type ?? '(none)'} is not supported.`), 400);
    const name = body.template?.name ?? '';
    const language = body.template?.language?.code ?? '';
    const t = templates[name];
    const languages = typeof t === 'object' ? t.languages : null;
    if (t === undefined || !language || (languages && !languages.includes(language))) {
      return c.json(graphError(132001, 'Template name does not exist in the translation', `template name (${name}) does not exist in ${language || '(no language)'}`), 404);
    }
    const components = body.template?.components ?? [];
    const params = components.filter((x) => x.type === 'body').flatMap((x) => x.parameters ?? []);
    const expected = typeof t === 'number' ? t : t.params;
    if (params.length !== expected || params.some((p) => p.type !== 'text' || typeof p.text !== 'string' || !p.text.trim())) {
      return c.json(graphError(132000, 'Number of parameters does not match the expected number of params', `body: number of localizable_params (${params.length}) does not match the expected number of params (${expected})`), 400);
    }
    const texts = params.map((p) => p.text!);
    if (behaviour.hangNext > 0) {
      behaviour.hangNext -= 1;
      return hold(c, () => accept(to, name, language, texts));
    }
    if (behaviour.notOnWhatsApp.has(to)) return c.json(graphError(131026, 'Message undeliverable', 'Message Undeliverable.'), 400);
    const m = accept(to, name, language, texts);
    return c.json({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: m.id, message_status: 'accepted' }] });
  });
  app.all('*', (c) => c.json(graphError(100, 'Unknown path', `no such endpoint: ${c.req.method} ${c.req.path}`, 'GraphMethodException'), 400));

  const server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  function clearPending() {
    generation += 1;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const release of [...holds]) release();
  }

  return {
    url,
    token,
    phoneNumberId,
    appSecret,
    setWebhook: (u) => {
      webhookUrl = u;
    },
    behave(b) {
      for (const n of b.notOnWhatsApp ?? []) behaviour.notOnWhatsApp.add(n);
      for (const n of b.failAfterAccept ?? []) behaviour.failAfterAccept.add(n);
      for (const n of b.neverDelivered ?? []) behaviour.neverDelivered.add(n);
      for (const n of b.neverRead ?? []) behaviour.neverRead.add(n);
      behaviour.failNext += b.failNext ?? 0;
      behaviour.throttleNext += b.throttleNext ?? 0;
      behaviour.hangNext += b.hangNext ?? 0;
      if (b.hangMs !== undefined) behaviour.hangMs = b.hangMs;
      if (b.acceptWhenHanging !== undefined) behaviour.acceptWhenHanging = b.acceptWhenHanging;
    },
    messages: () => sent.map((m) => ({ ...m, statuses: [...m.statuses] })),
    requests: () => received,
    webhooks: () => [...posted],
    reset() {
      clearPending();
      sent = [];
      posted = [];
      received = 0;
      behaviour = fresh();
    },
    async stop() {
      clearPending();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
