// The simulator's village behaviours as the API's webhook sees them: signed statuses sent →
// delivered → read, a member who never reads, a phone that never comes online, a number that fails
// after acceptance; and its service failures in Meta's exact shapes (throttling, 5xx, bad requests).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWhatsApp } from './cloud-client';
import { startWhatsAppSimulator, type WhatsAppSimulator } from './simulator';
import { whatsappWebhookRoutes, type WhatsAppStatus } from './webhook';

const STEP = 25;
let sim: WhatsAppSimulator;
let client: CloudWhatsApp;
let got: WhatsAppStatus[] = [];
let refused: string[] = [];
let stopReceiver: () => Promise<void>;
let receiverUrl = '';
const params = ['শালিখা উপজেলা সমবায় কার্যালয়', 'অডিট নোটিশ', 'https://asrayon.example/notices/7'];

beforeAll(async () => {
  sim = await startWhatsAppSimulator({ stepMs: STEP });
  const app = whatsappWebhookRoutes({ verifyToken: 'vt', appSecret: sim.appSecret, onStatuses: async (s) => void got.push(...s), log: (l) => refused.push(l) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  stopReceiver = () => new Promise<void>((r) => server.close(() => r()));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  sim.setWebhook(receiverUrl);
  client = new CloudWhatsApp({ baseUrl: sim.url, version: 'v21.0', phoneNumberId: sim.phoneNumberId, token: sim.token, template: 'cooperative_notice', language: 'bn', pricePoisha: 80 });
});
afterAll(async () => {
  await sim.stop();
  await stopReceiver();
});
beforeEach(() => {
  sim.reset();
  got = [];
  refused = [];
});

const statusesOf = (id: string) => got.filter((s) => s.messageId === id).map((s) => s.status);
const send = (to: string) => client.sendTemplate({ to, parameters: params }).then((r) => r.messageId);
/** Long enough for every status the simulator would still send. */
const settle = () => new Promise((r) => setTimeout(r, STEP * 8));

describe('status webhooks', () => {
  it('posts sent → delivered → read, signed so that the real webhook takes them, with Meta’s timestamps and recipient', async () => {
    const id = await send('01711000004');
    await expect.poll(() => statusesOf(id)).toEqual(['sent', 'delivered', 'read']);
    expect(got.every((s) => s.recipient === '8801711000004' && Math.abs(s.at - Date.now()) < 60_000)).toBe(true);
    await expect.poll(() => sim.webhooks().map((w) => w.answered)).toEqual([200, 200, 200]);
    expect(refused).toEqual([]);
    expect(sim.messages()[0]!.statuses).toEqual(['sent', 'delivered', 'read']);
  });

  it('a member who never opens it: sent and delivered, never read', async () => {
    sim.behave({ neverRead: ['8801711000005'] });
    const [quiet, reader] = await Promise.all([send('01711000005'), send('01711000006')]);
    await expect.poll(() => statusesOf(reader)).toEqual(['sent', 'delivered', 'read']);
    await settle();
    expect(statusesOf(quiet)).toEqual(['sent', 'delivered']);
  });

  it('a phone with no data in the village: accepted and sent, no delivered ever arrives', async () => {
    sim.behave({ neverDelivered: ['8801711000007'] });
    const [offline, online] = await Promise.all([send('01711000007'), send('01711000008')]);
    await expect.poll(() => statusesOf(online)).toEqual(['sent', 'delivered', 'read']);
    await settle();
    expect(statusesOf(offline)).toEqual(['sent']);
  });

  it('a number refused after acceptance gets a failed status carrying 131026', async () => {
    sim.behave({ failAfterAccept: ['8801711000010'] });
    const id = await send('01711000010');
    await expect.poll(() => statusesOf(id)).toEqual(['failed']);
    expect(got[0]).toMatchObject({ error: '131026 Message undeliverable.', errors: [{ code: 131026 }] });
  });

  it('statuses signed with another app secret are refused by the webhook', async () => {
    const other = await startWhatsAppSimulator({ stepMs: STEP, appSecret: 'someone-else', token: sim.token, phoneNumberId: sim.phoneNumberId });
    try {
      other.setWebhook(receiverUrl);
      const r = await new CloudWhatsApp({ baseUrl: other.url, version: 'v21.0', phoneNumberId: other.phoneNumberId, token: other.token, template: 'cooperative_notice', language: 'bn', pricePoisha: 0 }).sendTemplate({ to: '01711000011', parameters: params });
      await expect.poll(() => other.webhooks().map((w) => w.answered)).toEqual([401, 401, 401]);
      expect(statusesOf(r.messageId)).toEqual([]);
      expect(refused.length).toBe(3);
    } finally {
      await other.stop();
    }
  });
});

describe('the service’s own failures, in Meta’s shapes', () => {
  const raw = (init: { token?: string; body?: unknown; phoneId?: string }) =>
    fetch(`${sim.url}/v21.0/${init.phoneId ?? sim.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${init.token ?? sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(init.body ?? { messaging_product: 'whatsapp', recipient_type: 'individual', to: '8801711000001', type: 'template', template: { name: 'cooperative_notice', language: { code: 'bn' }, components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] } }),
    });

  it('throttles the next N sends with HTTP 429 and error 130429 as Meta writes it, then accepts', async () => {
    sim.behave({ throttleNext: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await raw({});
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({
        error: {
          message: '(#130429) Rate limit hit',
          type: 'OAuthException',
          code: 130429,
          error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time' },
          fbtrace_id: expect.any(String),
        },
      });
    }
    const ok = await raw({});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '8801711000001', wa_id: '8801711000001' }], messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }] });
    expect(sim.requests()).toBe(3);
    expect(sim.messages()).toHaveLength(1);
  });

  it('fails the next N sends with HTTP 500 (131000) and records nothing', async () => {
    sim.behave({ failNext: 1 });
    const res = await raw({});
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 131000 } });
    expect(sim.messages()).toEqual([]);
  });

  it.each([
    ['a wrong bearer token', 401, 190, { token: 'EAAG-x' }],
    ['another phone number id', 400, 100, { phoneId: '1' }],
    ['no messaging_product', 400, 100, { body: { to: '8801711000001', type: 'template' } }],
    ['a local-format recipient', 400, 100, { body: { messaging_product: 'whatsapp', to: '01711000001', type: 'template' } }],
    ['free text outside the 24-hour window', 400, 131047, { body: { messaging_product: 'whatsapp', to: '8801711000001', type: 'text', text: { body: 'hi' } } }],
    ['an unsupported type', 400, 131051, { body: { messaging_product: 'whatsapp', to: '8801711000001', type: 'sticker' } }],
    ['an unknown template', 404, 132001, { body: { messaging_product: 'whatsapp', to: '8801711000001', type: 'template', template: { name: 'other', language: { code: 'bn' } } } }],
    ['one parameter short', 400, 132000, { body: { messaging_product: 'whatsapp', to: '8801711000001', type: 'template', template: { name: 'cooperative_notice', language: { code: 'bn' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] } } }],
  ] as const)('refuses %s (HTTP %i, code %i)', async (_, status, code, init) => {
    const res = await raw(init);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code, message: expect.stringContaining(`(#${code})`), fbtrace_id: expect.any(String) } });
    expect(sim.messages()).toEqual([]);
  });

  it('reset forgets messages, behaviours and statuses still pending', async () => {
    sim.behave({ throttleNext: 5, neverRead: ['8801711000001'] });
    sim.reset();
    const id = await send('01711000001');
    sim.reset();
    await settle();
    expect(sim.messages()).toEqual([]);
    expect(statusesOf(id)).toEqual([]);
  });
});
