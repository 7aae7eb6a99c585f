// The Cloud API client: the exact request it sends, against the simulator each class of failure
// (member, throttling, server, configuration, time-out, network), the number rules, and the adapter
// the notice activities use.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyGraphError,
  CloudWhatsApp,
  toWhatsAppNumber,
  WhatsAppConfigError,
  WhatsAppError,
  WhatsAppNetworkError,
  WhatsAppRecipientError,
  WhatsAppRetryableError,
  WhatsAppServerError,
  WhatsAppThrottledError,
  WhatsAppTimeoutError,
  type CloudConfig,
} from './cloud-client';
import { startWhatsAppSimulator, type WhatsAppSimulator } from './simulator';

let sim: WhatsAppSimulator;
let client: CloudWhatsApp;
const notice = ['মাগুরা সদর উপজেলা সমবায় কার্যালয়', 'বার্ষিক সাধারণ সভা ১৫ ডিসেম্বর', 'https://asrayon.example/notices/1'];

function cloud(overrides: Partial<CloudConfig> = {}): CloudWhatsApp {
  return new CloudWhatsApp({
    baseUrl: sim.url,
    version: 'v21.0',
    phoneNumberId: sim.phoneNumberId,
    token: sim.token,
    template: 'cooperative_notice',
    language: 'bn',
    pricePoisha: 80,
    timeoutMs: 5_000, // generous: under CI load a busy event loop must not turn a real answer into a time-out
    ...overrides,
  });
}

/** The rejection of a promise, for checking its fields. */
async function failure(p: Promise<unknown>): Promise<WhatsAppError> {
  try {
    await p;
  } catch (err) {
    return err as WhatsAppError;
  }
  throw new Error('expected the send to fail');
}

/** A one-off HTTP server answering every request with `answer`, recording what it got. */
async function stub(answer: () => Response) {
  const seen: { method: string; path: string; headers: Record<string, string>; body: string }[] = [];
  const app = new Hono();
  app.all('*', async (c) => {
    seen.push({ method: c.req.method, path: c.req.path, headers: c.req.header(), body: await c.req.text() });
    return answer();
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

beforeAll(async () => {
  sim = await startWhatsAppSimulator({ stepMs: 10, templates: { cooperative_notice: 3, english_only: { params: 1, languages: ['en'] } } });
  client = cloud();
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

describe('the request', () => {
  it('posts the utility template to /{version}/{phone-number-id}/messages with the bearer token, in exactly Meta’s shape', async () => {
    const meta = await stub(() => Response.json({ messaging_product: 'whatsapp', contacts: [{ input: '8801711000001', wa_id: '8801711000001' }], messages: [{ id: 'wamid.HBgN', message_status: 'accepted' }] }));
    try {
      const r = await cloud({ baseUrl: `${meta.url}/`, phoneNumberId: '106540352242922', token: 'EAAG-secret' }).sendTemplate({ to: '01711000001', parameters: notice });
      expect(r).toEqual({ messageId: 'wamid.HBgN', to: '8801711000001', waId: '8801711000001', messageStatus: 'accepted' });
      expect(meta.seen).toHaveLength(1);
      const req = meta.seen[0]!;
      expect(req).toMatchObject({ method: 'POST', path: '/v21.0/106540352242922/messages' });
      expect(req.headers).toMatchObject({ authorization: 'Bearer EAAG-secret', 'content-type': 'application/json' });
      expect(JSON.parse(req.body)).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '8801711000001',
        type: 'template',
        template: {
          name: 'cooperative_notice',
          language: { code: 'bn' },
          components: [{ type: 'body', parameters: notice.map((text) => ({ type: 'text', text })) }],
        },
      });
    } finally {
      await meta.stop();
    }
  });

  it('sends to the simulator and gets a wamid back; the simulator saw the 880 number, template, language and parameters', async () => {
    const r = await client.sendTemplate({ to: '+880 1711-000002', parameters: notice });
    expect(r.messageId).toMatch(/^wamid\./);
    expect(r).toMatchObject({ to: '8801711000002', waId: '8801711000002', messageStatus: 'accepted' });
    expect(sim.messages()).toEqual([expect.objectContaining({ id: r.messageId, to: '8801711000002', template: 'cooperative_notice', language: 'bn', params: notice })]);
  });

  it('flattens line breaks and tabs in a parameter, which Meta refuses', async () => {
    await client.sendTemplate({ to: '01711000003', parameters: ['অফিস', 'সভা\nস্থগিত\tহয়েছে', 'লিংক'] });
    expect(sim.messages()[0]!.params[1]).toBe('সভা স্থগিত হয়েছে');
  });
});

describe('Bangladeshi numbers', () => {
  it('normalises 01XXXXXXXXX, +880 and spaced forms to 8801XXXXXXXXX', () => {
    for (const n of ['01711000001', '8801711000001', '+8801711000001', '+880 1711-000001', '0171 1000 001']) expect(toWhatsAppNumber(n)).toBe('8801711000001');
  });

  it.each(['12345', '0171100000', '017110000011', '01211000001', '1711000001', '+441711000001', ''])('refuses %j before any request', async (bad) => {
    const err = await failure(client.sendTemplate({ to: bad, parameters: notice }));
    expect(err).toBeInstanceOf(WhatsAppRecipientError);
    expect(err.retryable).toBe(false);
    expect(sim.requests()).toBe(0);
  });
});

describe('failures against the simulator', () => {
  it('a number that is not on WhatsApp (131026) is final for that member only', async () => {
    sim.behave({ notOnWhatsApp: ['8801711000009'] });
    const err = await failure(client.sendTemplate({ to: '01711000009', parameters: notice }));
    expect(err).toBeInstanceOf(WhatsAppRecipientError);
    expect(err).toMatchObject({ retryable: false, outcomeUnknown: false, graph: { httpStatus: 400, code: 131026 } });
    await expect(client.sendTemplate({ to: '01711000008', parameters: notice })).resolves.toMatchObject({ to: '8801711000008' });
  });

  it('throttling (HTTP 429, 130429) is retryable and certainly not sent; the next send goes through', async () => {
    sim.behave({ throttleNext: 1 });
    const err = await failure(client.sendTemplate({ to: '01711000001', parameters: notice }));
    expect(err).toBeInstanceOf(WhatsAppThrottledError);
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: false, graph: { httpStatus: 429, code: 130429, type: 'OAuthException' } });
    expect(err.graph.details).toContain('too many messages');
    await expect(client.sendTemplate({ to: '01711000001', parameters: notice })).resolves.toMatchObject({ to: '8801711000001' });
    expect(sim.messages()).toHaveLength(1);
  });

  it('HTTP 500 (131000) is retryable with an unknown outcome', async () => {
    sim.behave({ failNext: 1 });
    const err = await failure(client.sendTemplate({ to: '01711000001', parameters: notice }));
    expect(err).toBeInstanceOf(WhatsAppServerError);
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: true, graph: { httpStatus: 500, code: 131000 } });
  });

  it.each([
    ['a wrong token (190)', { token: 'EAAG-wrong' }, 'auth', 190],
    ['an unknown phone number id (100)', { phoneNumberId: '999' }, 'request', 100],
    ['a template that does not exist (132001)', { template: 'no_such_template' }, 'template', 132001],
    ['a language the template is not approved in (132001)', { template: 'english_only', language: 'bn' }, 'template', 132001],
  ] as const)('%s is a configuration error for every member, not retried', async (_, overrides, problem, code) => {
    const err = await failure(cloud(overrides).sendTemplate({ to: '01711000001', parameters: ['x'] }));
    expect(err).toBeInstanceOf(WhatsAppConfigError);
    expect(err).toMatchObject({ retryable: false, problem, graph: { code } });
    expect(sim.messages()).toHaveLength(0);
  });

  it('the wrong number of body parameters (132000) is a template configuration error', async () => {
    const err = await failure(client.sendTemplate({ to: '01711000001', parameters: notice.slice(0, 2) }));
    expect(err).toMatchObject({ problem: 'template', graph: { httpStatus: 400, code: 132000 } });
  });

  it('no answer within the time-out is retryable with an unknown outcome — and Meta may indeed have taken it', async () => {
    sim.behave({ hangNext: 1, hangMs: 3_000, acceptWhenHanging: true });
    const started = Date.now();
    const err = await failure(cloud({ timeoutMs: 400 }).sendTemplate({ to: '01711000001', parameters: notice }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(WhatsAppTimeoutError);
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: true });
    expect(sim.messages()).toHaveLength(1);
  });

  it('a refused connection is a retryable network error with an unknown outcome', async () => {
    const closed = await stub(() => new Response(null));
    await closed.stop();
    const err = await failure(cloud({ baseUrl: closed.url }).sendTemplate({ to: '01711000001', parameters: notice }));
    expect(err).toBeInstanceOf(WhatsAppNetworkError);
    expect(err).toMatchObject({ retryable: true, outcomeUnknown: true });
  });

  it('a 2xx without a message id, or a proxy’s HTML 502, is a server error', async () => {
    for (const answer of [() => Response.json({ messaging_product: 'whatsapp' }), () => new Response('<html>Bad Gateway</html>', { status: 502 })]) {
      const proxy = await stub(answer);
      try {
        expect(await failure(cloud({ baseUrl: proxy.url }).sendTemplate({ to: '01711000001', parameters: notice }))).toBeInstanceOf(WhatsAppServerError);
      } finally {
        await proxy.stop();
      }
    }
  });
});

describe('classifyGraphError, for the codes the simulator does not produce', () => {
  const graph = (code: number, type = 'OAuthException') => ({ error: { message: `(#${code}) x`, type, code, fbtrace_id: 'Ax' } });
  it.each([
    [400, 131047, WhatsAppRecipientError],
    [400, 131051, WhatsAppRecipientError],
    [400, 131048, WhatsAppThrottledError],
    [400, 131056, WhatsAppThrottledError],
    [400, 80007, WhatsAppThrottledError],
    [429, 4, WhatsAppThrottledError],
    [401, 0, WhatsAppConfigError],
    [401, 190, WhatsAppConfigError],
    [403, 10, WhatsAppConfigError],
    [400, 132001, WhatsAppConfigError],
    [400, 131008, WhatsAppConfigError],
    [503, 2, WhatsAppServerError],
    [500, 131000, WhatsAppServerError],
  ] as const)('HTTP %i code %i → %o', (status, code, kind) => {
    expect(classifyGraphError(status, graph(code))).toBeInstanceOf(kind);
  });

  it('reads "OAuthException" as a bad token only with code 0/190 or HTTP 401/403, never 130429', () => {
    expect(classifyGraphError(429, graph(130429))).toBeInstanceOf(WhatsAppThrottledError);
    expect(classifyGraphError(401, graph(190))).toMatchObject({ problem: 'auth' });
  });

  it('an unknown 4xx is not retried; an unknown 5xx is', () => {
    expect(classifyGraphError(400, null)).toMatchObject({ retryable: false, problem: 'request' });
    expect(classifyGraphError(504, null)).toMatchObject({ retryable: true, outcomeUnknown: true });
  });
});

describe('sendNotice, what the notice activities call', () => {
  const params = { office: notice[0]!, title: notice[1]!, link: notice[2]! };

  it('returns the wamid for a member reached, and the three notice parameters in order', async () => {
    const r = await client.sendNotice('01711000001', params);
    expect(r).toEqual({ ok: true, messageId: sim.messages()[0]!.id });
    expect(sim.messages()[0]!.params).toEqual(notice);
  });

  it('a member not on WhatsApp, a bad number and a configuration error come back as permanent for this member; SMS carries the notice', async () => {
    sim.behave({ notOnWhatsApp: ['8801711000009'] });
    expect(await client.sendNotice('01711000009', params)).toMatchObject({ ok: false, permanent: true, reason: expect.stringContaining('131026') });
    expect(await client.sendNotice('12345', params)).toMatchObject({ ok: false, permanent: true });
    expect(await cloud({ token: 'nope' }).sendNotice('01711000001', params)).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(/^configuration: .*190/) });
  });

  it('throws what is worth retrying, as a WhatsAppRetryableError', async () => {
    sim.behave({ throttleNext: 1, failNext: 1 });
    await expect(client.sendNotice('01711000001', params)).rejects.toBeInstanceOf(WhatsAppRetryableError);
    await expect(client.sendNotice('01711000001', params)).rejects.toBeInstanceOf(WhatsAppRetryableError);
    await expect(client.sendNotice('01711000001', params)).resolves.toMatchObject({ ok: true });
  });
});
