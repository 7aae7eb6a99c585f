import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReceivedPayment } from './payment-provider';
import { bkashRoutes } from './routes';
import { startBkashSimulator, type BkashSimulator } from './simulator';
import { checkoutProvider, TokenizedClient } from './tokenized-client';
import { webhookProvider } from './webhook-provider';

let sim: BkashSimulator;
beforeAll(async () => {
  sim = await startBkashSimulator();
});
afterAll(() => sim?.stop());

it('mounts the webhook and the checkout callback; only verified payments reach onPayment', async () => {
  const client = new TokenizedClient({ baseUrl: sim.url, ...sim.credentials });
  const stored: [ReceivedPayment, string][] = [];
  const app = bkashRoutes({
    accounts: { SADAR: { webhook: webhookProvider({ account: sim.shortCode, topicArns: [sim.topicArn], certFetcher: sim.certFetcher }), checkout: checkoutProvider(client, sim.shortCode) } },
    onPayment: async (p, officeId) => void stored.push([p, officeId]),
  });
  expect((await app.request('/webhook/NOWHERE', { method: 'POST', body: '{}' })).status).toBe(404);
  const junk = await app.request('/webhook/SADAR', { method: 'POST', body: '{"Type":"Notification"}' });
  expect(junk.status).toBe(403);
  expect(await junk.json()).toMatchObject({ error: { code: 'missing_field' } });

  const created = await client.createPayment({ amountPoisha: 30_000, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1/api/bkash/callback/SADAR', merchantInvoiceNumber: 'INV-R1' });
  const forged = await app.request(`/callback/SADAR?paymentID=${created.paymentID}&status=success`);
  expect(await forged.json()).toMatchObject({ paid: false });
  const redirect = new URL(await sim.approve(created.paymentID));
  const res = await app.request(`/callback/SADAR${redirect.search}`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ paid: true, amountPoisha: 30_000 });
  expect(stored).toHaveLength(1);
  expect(stored[0]![1]).toBe('SADAR');
});

it('says in Server-Timing how long verifying and storing took', async () => {
  const app = bkashRoutes({
    accounts: { SADAR: { webhook: webhookProvider({ account: sim.shortCode, topicArns: [sim.topicArn], certFetcher: sim.certFetcher }) } },
    onPayment: () => new Promise((r) => setTimeout(r, 30)),
  });
  const envelope = sim.signedNotification({ trxID: 'TIMING1', amountPoisha: 1_000, debitMSISDN: '8801700000000', reference: 'K7QX4M2P' }, { record: false });
  const ok = await app.request('/webhook/SADAR', { method: 'POST', body: JSON.stringify(envelope) });
  expect(ok.status).toBe(200);
  const timing = /^verify;dur=([\d.]+), store;dur=([\d.]+)$/.exec(ok.headers.get('server-timing') ?? '');
  expect(timing).not.toBeNull();
  expect(Number(timing![2])).toBeGreaterThanOrEqual(29);
  const refused = await app.request('/webhook/SADAR', { method: 'POST', body: JSON.stringify({ ...envelope, Message: envelope.Message.replace('TIMING1', 'TIMING2') }) });
  expect(refused.status).toBe(403);
  expect(refused.headers.get('server-timing')).toMatch(/^verify;dur=[\d.]+$/);
});
