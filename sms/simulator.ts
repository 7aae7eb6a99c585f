// A local stand-in for both gateways, for development and tests: one HTTP server answering SSL
// Wireless (POST /api/v3/send-sms, GET /api/v3/dlr-status) and BulkSMSBD (GET|POST /api/smsapi) in
// their own shapes. It checks credentials, sender ids, MSISDN format and required fields as the real
// services do, delivers a given SSL csms_id once only, and can be told to fail in scripted ways.
// SSL's status codes follow the v3 code table as published outside SSL's customer portal (4001 token,
// 4002 sid, 4005 format, 4020 csms_id, 4022 missing field, 4023 duplicate csms_id, 4025 invalid
// MSISDN, 4026 blocked MSISDN, 4030 account limit, 4031 TPS); ssl-wireless.ts classifies by the same.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';

export interface SimulatedMessage {
  provider: 'ssl-wireless' | 'bulksmsbd';
  msisdn: string;
  body: string;
  csmsId: string | null;
  providerMessageId: string;
  at: number;
}

export interface SimulatorBehaviour {
  /** Answer the next N send requests with HTTP 500 before looking at them. */
  failNext?: number;
  /** Hold the next N send answers for `hangMs` (longer than the client's time-out). */
  hangNext?: number;
  hangMs?: number;
  /** Whether a held request was still delivered (the provider got it, the answer was lost). */
  deliverWhenHanging?: boolean;
  /** Answer the next N send requests with HTTP 429. */
  throttleNext?: number;
  /** Numbers (8801…) the operator network refuses permanently (blocked / DND). */
  rejectNumbers?: string[];
  /** Prepaid balance exhausted. */
  insufficientBalance?: boolean;
}

export interface SmsSimulator {
  url: string;
  credentials: { ssl: { apiToken: string; sid: string }; bulksmsbd: { apiKey: string; senderId: string } };
  messages(): SimulatedMessage[];
  /** Send requests received, including failed and duplicate ones. */
  requests(): number;
  setBehaviour(b: SimulatorBehaviour): void;
  reset(): void;
  stop(): Promise<void>;
}

const MSISDN = /^8801[3-9]\d{8}$/;

export async function startSmsSimulator(opts: { port?: number; host?: string; credentials?: Partial<SmsSimulator['credentials']> } = {}): Promise<SmsSimulator> {
  const credentials = {
    ssl: opts.credentials?.ssl ?? { apiToken: 'sim-ssl-token', sid: 'ASRAYONAPI' },
    bulksmsbd: opts.credentials?.bulksmsbd ?? { apiKey: 'sim-bulk-key', senderId: '8809600000000' },
  };
  let delivered: SimulatedMessage[] = [];
  let byCsms = new Map<string, SimulatedMessage>();
  let behaviour: Required<SimulatorBehaviour> = defaults();
  let received = 0;
  let seq = 1000;
  const holds = new Set<() => void>();

  function defaults(): Required<SimulatorBehaviour> {
    return { failNext: 0, hangNext: 0, hangMs: 30_000, deliverWhenHanging: false, throttleNext: 0, rejectNumbers: [], insufficientBalance: false };
  }

  /** Scripted transport failures, common to both shapes; returns an answer to give instead, if any. */
  async function scripted(c: Context, deliver: () => void): Promise<Response | null> {
    received += 1;
    if (behaviour.failNext > 0) {
      behaviour.failNext -= 1;
      return c.text('Internal Server Error', 500);
    }
    if (behaviour.throttleNext > 0) {
      behaviour.throttleNext -= 1;
      return c.json({ error: 'Too Many Requests' }, 429);
    }
    if (behaviour.hangNext > 0) {
      behaviour.hangNext -= 1;
      if (behaviour.deliverWhenHanging) deliver();
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          holds.delete(done);
          resolve();
        };
        const timer = setTimeout(done, behaviour.hangMs);
        holds.add(done);
      });
      return c.text('Gateway Timeout', 504);
    }
    return null;
  }

  const app = new Hono();

  app.post('/api/v3/send-sms', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return c.json(sslFail(4005, 'Invalid request format: the body is not JSON'), 400);
    }
    const msisdn = String(body.msisdn ?? '');
    const sms = typeof body.sms === 'string' ? body.sms : '';
    const csmsId = typeof body.csms_id === 'string' ? body.csms_id : '';
    const record = (): SimulatedMessage | null => {
      if (byCsms.has(csmsId)) return null;
      const m: SimulatedMessage = { provider: 'ssl-wireless', msisdn, body: sms, csmsId, providerMessageId: `SSL${++seq}`, at: Date.now() };
      byCsms.set(csmsId, m);
      delivered.push(m);
      return m;
    };
    const valid = body.api_token === credentials.ssl.apiToken && body.sid === credentials.ssl.sid && MSISDN.test(msisdn) && sms && csmsId;
    const early = await scripted(c, () => valid && record());
    if (early) return early;
    if (body.api_token !== credentials.ssl.apiToken) return c.json(sslFail(4001, 'Unauthorized: invalid api_token'), 401);
    if (body.sid !== credentials.ssl.sid) return c.json(sslFail(4002, 'SID not permitted for this api_token'));
    if (!sms) return c.json(sslFail(4022, 'The sms field is required.'));
    if (!csmsId) return c.json(sslFail(4022, 'The csms_id field is required.'));
    if (csmsId.length > 20) return c.json(sslFail(4020, 'Invalid CSMS ID: the csms_id may not be greater than 20 characters.'));
    if (!MSISDN.test(msisdn)) return c.json(sslFail(4025, `Invalid MSISDN ${msisdn}`));
    if (behaviour.insufficientBalance) return c.json(sslFail(4030, 'Account limit exceeded: insufficient balance'));
    if (byCsms.has(csmsId)) return c.json(sslFail(4023, `Duplicate CSMS ID ${csmsId}`));
    if (behaviour.rejectNumbers.includes(msisdn)) {
      return c.json(sslFail(4026, `MSISDN ${msisdn} is blocked (DND)`));
    }
    const m = record()!;
    return c.json({
      status: 'SUCCESS',
      status_code: 200,
      error_message: '',
      smsinfo: [{ sms_status: 'SUCCESS', status_message: 'Success', msisdn, sms_type: smsType(sms), sms_body: sms, csms_id: csmsId, reference_id: m.providerMessageId }],
    });
  });

  app.get('/api/v3/dlr-status', (c) => {
    if (c.req.query('api_token') !== credentials.ssl.apiToken || c.req.query('sid') !== credentials.ssl.sid) return c.json(sslFail(4001, 'Unauthorized: invalid api_token'), 401);
    const csmsId = c.req.query('csms_id') ?? '';
    const m = byCsms.get(csmsId);
    if (!m) return c.json(sslFail(4004, `No SMS found for csms_id ${csmsId}`));
    return c.json({ status: 'SUCCESS', status_code: 200, error_message: '', smsinfo: [{ sms_status: 'DELIVERED', status_message: 'Delivered', msisdn: m.msisdn, csms_id: csmsId, reference_id: m.providerMessageId }] });
  });

  app.on(['GET', 'POST'], '/api/smsapi', async (c) => {
    const p = await bulkParams(c);
    const numbers = (p.number ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    const message = p.message ?? '';
    const ok = p.api_key === credentials.bulksmsbd.apiKey && p.senderid === credentials.bulksmsbd.senderId && numbers.length > 0 && numbers.every((n) => MSISDN.test(n)) && message;
    const deliverAll = () => numbers.map((n) => {
      const m: SimulatedMessage = { provider: 'bulksmsbd', msisdn: n, body: message, csmsId: null, providerMessageId: String(++seq), at: Date.now() };
      delivered.push(m);
      return m;
    });
    const early = await scripted(c, () => ok && deliverAll());
    if (early) return early;
    if (!p.api_key || !p.type || !p.number || !p.senderid || !message) return c.json(bulkAnswer(1003));
    if (p.api_key !== credentials.bulksmsbd.apiKey) return c.json(bulkAnswer(1011));
    if (p.senderid !== credentials.bulksmsbd.senderId) return c.json(bulkAnswer(1002));
    if (p.type !== 'text' && p.type !== 'unicode') return c.json(bulkAnswer(1003));
    if (!numbers.every((n) => MSISDN.test(n))) return c.json(bulkAnswer(1001));
    if (numbers.some((n) => behaviour.rejectNumbers.includes(n))) return c.json(bulkAnswer(1001));
    if (behaviour.insufficientBalance) return c.json(bulkAnswer(1007));
    const sent = deliverAll();
    return c.json({ ...bulkAnswer(202), message_id: Number(sent[0]!.providerMessageId) });
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    credentials,
    messages: () => [...delivered],
    requests: () => received,
    setBehaviour: (b) => {
      behaviour = { ...behaviour, ...b };
    },
    reset: () => {
      delivered = [];
      byCsms = new Map();
      behaviour = defaults();
      received = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const release of [...holds]) release();
        const s = server as unknown as { closeAllConnections?: () => void; close: (cb: () => void) => void };
        s.close(() => resolve());
        s.closeAllConnections?.();
      }),
  };
}

function sslFail(code: number, message: string) {
  return { status: 'FAILED', status_code: code, error_message: message, smsinfo: [] };
}

function smsType(text: string): 'EN' | 'BN' {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? 'EN' : 'BN';
}

const BULK_MESSAGES: Record<number, string> = {
  202: 'SMS Submitted Successfully',
  1001: 'Invalid Number',
  1002: 'sender id not correct/sender id is disabled',
  1003: 'Please Required all fields/Contact Your System Administrator',
  1007: 'Balance Insufficient',
  1011: 'User Id not found',
};

function bulkAnswer(code: number) {
  return code === 202
    ? { response_code: 202, success_message: BULK_MESSAGES[202], error_message: '' }
    : { response_code: code, success_message: '', error_message: BULK_MESSAGES[code] ?? 'Error' };
}

/** BulkSMSBD takes its fields from the query string, a form body or a JSON body. */
async function bulkParams(c: Context): Promise<Record<string, string | undefined>> {
  const query = c.req.query();
  if (c.req.method !== 'POST') return query;
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const json = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    return { ...query, ...Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v == null ? undefined : String(v)])) };
  }
  const form = await c.req.parseBody().catch(() => ({}));
  return { ...query, ...Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : undefined])) };
}
