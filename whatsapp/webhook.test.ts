// The webhook: Meta's endpoint verification, the X-Hub-Signature-256 check on the raw body, and the
// parsing of statuses (and the counting of inbound messages) from Meta's notification shape.
import { describe, expect, it } from 'vitest';
import { parseStatuses, parseWebhook, signature, verifySignature, whatsappWebhookRoutes, type WhatsAppStatus } from './webhook';

const secret = 'app-secret-7f3a';

function receiver(onStatuses: (s: WhatsAppStatus[]) => Promise<void> = async () => undefined) {
  const got: WhatsAppStatus[] = [];
  const logs: string[] = [];
  const app = whatsappWebhookRoutes({
    verifyToken: 'asrayon-verify',
    appSecret: secret,
    onStatuses: async (s) => {
      got.push(...s);
      await onStatuses(s);
    },
    log: (l) => logs.push(l),
  });
  return { app, got, logs };
}

/** A notification as Meta sends it for the `messages` field. */
function notification(statuses: unknown[], extra: Record<string, unknown> = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '8809600000000', phone_number_id: '106540352242922' }, statuses, ...extra } }] }],
  };
}

const read = { id: 'wamid.A', status: 'read', timestamp: '1795000000', recipient_id: '8801711000001' };
const post = (raw: string, headers: Record<string, string> = {}) => ({ method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });

describe('endpoint verification (GET)', () => {
  it('answers hub.challenge as plain text when the verify token matches', async () => {
    const { app } = receiver();
    const res = await app.request('/?hub.mode=subscribe&hub.verify_token=asrayon-verify&hub.challenge=1158201444');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it.each([
    ['a wrong verify token', '/?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1'],
    ['no verify token', '/?hub.mode=subscribe&hub.challenge=1'],
    ['a mode other than subscribe', '/?hub.mode=unsubscribe&hub.verify_token=asrayon-verify&hub.challenge=1'],
    ['no challenge', '/?hub.mode=subscribe&hub.verify_token=asrayon-verify'],
  ])('refuses %s with 403 and logs it', async (_, url) => {
    const { app, logs } = receiver();
    const res = await app.request(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('1');
    expect(logs).toHaveLength(1);
  });
});

describe('signed notifications (POST)', () => {
  const raw = JSON.stringify(notification([read]));

  it('takes a correctly signed notification and hands its statuses over', async () => {
    const { app, got } = receiver();
    const res = await app.request('/', post(raw, { 'x-hub-signature-256': signature(secret, raw) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: { statuses: 1, inboundMessages: 0, ignoredStatuses: 0 } });
    expect(got).toEqual([{ messageId: 'wamid.A', status: 'read', at: 1_795_000_000_000, recipient: '8801711000001', error: null, errors: [] }]);
  });

  it.each([
    ['a tampered body', raw.replace('"read"', '"sent"'), { 'x-hub-signature-256': signature(secret, raw) }],
    ['no signature header', raw, {}],
    ['a signature made with another secret', raw, { 'x-hub-signature-256': signature('not-the-app-secret', raw) }],
    ['a bare hex digest without sha256=', raw, { 'x-hub-signature-256': signature(secret, raw).slice(7) }],
    ['the old sha1 header only', raw, { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }],
    ['garbage', raw, { 'x-hub-signature-256': 'sha256=zz' }],
  ])('refuses %s with 401, logs it, and records nothing', async (_, body, headers) => {
    const { app, got, logs } = receiver();
    const res = await app.request('/', post(body, headers));
    expect(res.status).toBe(401);
    expect(got).toEqual([]);
    expect(logs.join('\n')).toMatch(/webhook refused/);
  });

  it('checks the signature on the bytes as sent, Bengali text included', async () => {
    const bn = JSON.stringify(notification([read], { contacts: [{ profile: { name: 'রহিমা খাতুন' }, wa_id: '8801711000001' }] }));
    const { app, got } = receiver();
    expect(verifySignature(secret, Buffer.from(bn, 'utf8'), signature(secret, bn))).toBe(true);
    expect(verifySignature(secret, bn, signature(secret, bn).toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect((await app.request('/', post(bn, { 'x-hub-signature-256': signature(secret, bn) }))).status).toBe(200);
    expect(got).toHaveLength(1);
  });

  it('refuses a body over 1 MB with 413 while it streams in, signed or not, and hands nothing over', async () => {
    const { app, got } = receiver();
    const big = JSON.stringify(notification([read], { padding: 'x'.repeat(1024 * 1024) }));
    const declared = await app.request('/', post(big, { 'x-hub-signature-256': signature(secret, Buffer.from(big)) }));
    expect(declared.status).toBe(413);
    // No Content-Length (chunked): counted as it arrives.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        controller.close();
      },
    });
    const streamed = await app.request('/', { method: 'POST', body: chunks, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(got).toEqual([]);
  });

  it('a signed body that is not JSON is a 400', async () => {
    const { app } = receiver();
    expect((await app.request('/', post('not json', { 'x-hub-signature-256': signature(secret, 'not json') }))).status).toBe(400);
  });

  it('answers 500 when the statuses could not be recorded, so that Meta sends them again', async () => {
    const { app, logs } = receiver(async () => {
      throw new Error('database unavailable');
    });
    expect((await app.request('/', post(raw, { 'x-hub-signature-256': signature(secret, raw) }))).status).toBe(500);
    expect(logs.join('\n')).toContain('database unavailable');
  });

  it('counts inbound messages without calling onStatuses', async () => {
    const inbound = JSON.stringify(notification([], { statuses: undefined, messages: [{ from: '8801711000001', id: 'wamid.IN', timestamp: '1795000000', type: 'text', text: { body: 'ঠিক আছে' } }] }));
    const { app, got } = receiver();
    const res = await app.request('/', post(inbound, { 'x-hub-signature-256': signature(secret, inbound) }));
    expect(await res.json()).toEqual({ received: { statuses: 0, inboundMessages: 1, ignoredStatuses: 0 } });
    expect(got).toEqual([]);
  });
});

describe('parsing statuses', () => {
  it('reads every entry and change: sent, delivered, read and failed with its errors; seconds become ms', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        notification([
          { id: 'wamid.1', status: 'sent', timestamp: '1795000000', recipient_id: '8801711000001', pricing: { billable: true, pricing_model: 'PMP', category: 'utility' } },
          { id: 'wamid.1', status: 'delivered', timestamp: '1795000060', recipient_id: '8801711000001' },
        ]).entry[0],
        notification([
          { id: 'wamid.2', status: 'failed', timestamp: 1795000100, recipient_id: '8801711000002', errors: [{ code: 131026, title: 'Message undeliverable.', error_data: { details: 'Message Undeliverable.' } }] },
          { id: 'wamid.1', status: 'read', timestamp: '1795000120', recipient_id: '8801711000001' },
        ]).entry[0],
      ],
    };
    expect(parseStatuses(body)).toEqual([
      { messageId: 'wamid.1', status: 'sent', at: 1_795_000_000_000, recipient: '8801711000001', error: null, errors: [] },
      { messageId: 'wamid.1', status: 'delivered', at: 1_795_000_060_000, recipient: '8801711000001', error: null, errors: [] },
      {
        messageId: 'wamid.2',
        status: 'failed',
        at: 1_795_000_100_000,
        recipient: '8801711000002',
        error: '131026 Message undeliverable.',
        errors: [{ code: 131026, title: 'Message undeliverable.', details: 'Message Undeliverable.' }],
      },
      { messageId: 'wamid.1', status: 'read', at: 1_795_000_120_000, recipient: '8801711000001', error: null, errors: [] },
    ]);
  });

  it('skips statuses it does not act on and anything malformed, without throwing', () => {
    const batch = parseWebhook(notification([{ id: 'wamid.3', status: 'deleted', timestamp: '1' }, { status: 'read' }, null, read], { messages: [{ id: 'in' }], errors: [{ code: 131042, title: 'Business eligibility payment issue' }] }));
    expect(batch.statuses.map((s) => s.messageId)).toEqual(['wamid.A']);
    expect(batch).toMatchObject({ inboundMessages: 1, ignoredStatuses: 3, errors: [{ code: 131042, title: 'Business eligibility payment issue', details: null }] });
    for (const junk of [null, 'x', 42, {}, { entry: 'no' }, { entry: [{ changes: [null, {}] }] }]) expect(parseStatuses(junk)).toEqual([]);
  });
});
