import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderOutcome } from './payment-provider';
import { startBkashSimulator, type BkashSimulator } from './simulator';
import { parseStatementCsv } from './statement';
import { BkashApiError, checkoutProvider, TokenizedClient } from './tokenized-client';
import { webhookProvider } from './webhook-provider';

let sim: BkashSimulator;
let webhook: Server;
let webhookUrl: string;
const outcomes: ProviderOutcome[] = [];

function client(extra: Partial<ConstructorParameters<typeof TokenizedClient>[0]> = {}) {
  return new TokenizedClient({ baseUrl: sim.url, ...sim.credentials, timeoutMs: 2_000, ...extra });
}

beforeAll(async () => {
  sim = await startBkashSimulator({ shortCode: '01711000001' });
  const provider = webhookProvider({ account: '8801711000001', topicArns: [sim.topicArn], certFetcher: sim.certFetcher, subscriptionFetcher: sim.subscriptionFetcher });
  webhook = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const o = await provider.receive({ kind: 'sns', body: Buffer.concat(chunks).toString('utf8') });
    outcomes.push(o);
    res.writeHead(o.kind === 'rejected' ? 403 : o.kind === 'retry' ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(o.kind === 'payment' ? { kind: o.kind, trxId: o.payment.trxId } : o));
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/bkash/webhook`;
});
afterAll(async () => {
  await sim?.stop();
  await new Promise((r) => webhook?.close(r));
});

async function payOnPage(bkashURL: string, form: Record<string, string>): Promise<Response> {
  const page = await fetch(bkashURL);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
  return fetch(new URL(action, bkashURL), { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
}

describe('tokens', () => {
  it('a concurrent burst shares one grant; later calls use the cache', async () => {
    const c = client();
    const before = sim.stats.grants;
    const tokens = await Promise.all(Array.from({ length: 20 }, () => c.idToken()));
    expect(new Set(tokens).size).toBe(1);
    await c.idToken();
    expect(c.stats.grants).toBe(1);
    expect(sim.stats.grants - before).toBe(1);
  });

  it('refreshes before expiry (one refresh for a burst), and recovers when bKash expires the token early', async () => {
    let now = Date.now();
    const c = client({ now: () => now, refreshMarginMs: 60_000 });
    const first = await c.idToken();
    now += 3_600_000 - 30_000; // inside the margin
    const burst = await Promise.all(Array.from({ length: 10 }, () => c.idToken()));
    expect(new Set(burst).size).toBe(1);
    expect(burst[0]).not.toBe(first);
    expect(c.stats).toEqual({ grants: 1, refreshes: 1 });
    // bKash's gateway refuses the cached token: renewed once, the call goes through.
    sim.expireTokens();
    const created = await c.createPayment({ amountPoisha: 1000, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1/cb', merchantInvoiceNumber: 'INV-REFRESH' });
    expect(created.paymentID).toMatch(/^TR0011/);
    expect(c.stats.refreshes).toBe(2);
  });

  it('wrong credentials are auth errors', async () => {
    await expect(client({ password: 'nope' }).idToken()).rejects.toMatchObject({ category: 'auth', httpStatus: 401 });
    await expect(client({ appSecret: 'nope' }).idToken()).rejects.toMatchObject({ category: 'auth', code: '2001' });
  });
});

describe('checkout', () => {
  it('create → approve on the bKash page → callback → execute → trxID', async () => {
    const c = client();
    const created = await c.createPayment({ amountPoisha: 105_050, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1:9/bkash/callback?office=SADAR', merchantInvoiceNumber: 'INV-1' });
    expect(sim.payments.get(created.paymentID)?.amountPoisha).toBe(105_050);
    const res = await payOnPage(created.bkashURL, { action: 'approve', wallet: '01770618575', otp: '123456', pin: '12121' });
    expect(res.status).toBe(302);
    const cb = new URL(res.headers.get('location')!);
    expect(cb.pathname).toBe('/bkash/callback');
    expect(cb.searchParams.get('office')).toBe('SADAR');
    expect(cb.searchParams.get('status')).toBe('success');
    expect(cb.searchParams.get('apiVersion')).toBe('1.2.0-beta');
    const o = await checkoutProvider(c, '01711000001').receive({ kind: 'checkout-callback', paymentID: cb.searchParams.get('paymentID')! });
    expect(o.kind).toBe('payment');
    if (o.kind !== 'payment') return;
    expect(o.payment).toMatchObject({ amountPoisha: 105_050, payerMsisdn: '01770618575', reference: 'K7QX4M2P', merchantInvoiceNumber: 'INV-1', creditShortCode: '01711000001', channel: 'checkout', provider: 'bkash' });
    expect(o.payment.trxId).toMatch(/^[A-Z0-9]{10}$/);
    expect(Math.abs(o.payment.paidAt - Date.now())).toBeLessThan(10_000);
    // A second callback (reload, or a forged one) executes again: bKash says 2117, the query says Completed, same trxID.
    const again = await c.completeCheckout(created.paymentID, '01711000001');
    expect(again).toMatchObject({ status: 'completed', via: 'query', payment: { trxId: o.payment.trxId, amountPoisha: 105_050 } });
    await expect(c.executePayment(created.paymentID)).rejects.toMatchObject({ code: '2117', category: 'already_executed' });
    expect(sim.transactions.filter((t) => t.trxId === o.payment.trxId)).toHaveLength(1);
  });

  it('a callback saying success for a payment the payer never approved is not a payment', async () => {
    const c = client();
    const created = await c.createPayment({ amountPoisha: 5000, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-FORGED' });
    const o = await checkoutProvider(c, '01711000001').receive({ kind: 'checkout-callback', paymentID: created.paymentID, status: 'success' });
    expect(o).toMatchObject({ kind: 'ignored', code: 'not_completed:Initiated' });
    expect(sim.payments.get(created.paymentID)?.status).toBe('Initiated');
  });

  it('cancel on the bKash page → status=cancel → no payment', async () => {
    const c = client();
    const created = await c.createPayment({ amountPoisha: 5000, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-CANCEL' });
    const res = await payOnPage(created.bkashURL, { action: 'cancel' });
    const cb = new URL(res.headers.get('location')!);
    expect(cb.searchParams.get('status')).toBe('cancel');
    const o = await checkoutProvider(c, '01711000001').receive({ kind: 'checkout-callback', paymentID: created.paymentID, status: 'success' });
    expect(o).toMatchObject({ kind: 'ignored', code: 'not_completed:Cancelled' });
    expect((await c.queryPayment(created.paymentID)).trxID).toBeNull();
  });

  it('wrong OTP stays on the page; wrong PIN fails the payment', async () => {
    const c = client();
    const created = await c.createPayment({ amountPoisha: 5000, payerReference: 'X', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-PIN' });
    const otp = await payOnPage(created.bkashURL, { action: 'approve', wallet: '01770618575', otp: '000000', pin: '12121' });
    expect(otp.status).toBe(400);
    expect(await otp.text()).toMatch(/Wrong verification code/);
    const pin = await payOnPage(created.bkashURL, { action: 'approve', wallet: '01770618575', otp: '123456', pin: '99999' });
    expect(new URL(pin.headers.get('location')!).searchParams.get('status')).toBe('failure');
    expect(await c.completeCheckout(created.paymentID, '01711000001')).toMatchObject({ status: 'not_completed', transactionStatus: 'Failed' });
  });

  it('insufficient balance is 2023, a payer error, and no money moves', async () => {
    const c = client();
    sim.setBalance('01800000001', 1000);
    const created = await c.createPayment({ amountPoisha: 5000, payerReference: 'X', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-POOR' });
    await sim.approve(created.paymentID, { wallet: '01800000001' });
    await expect(c.executePayment(created.paymentID)).rejects.toMatchObject({ code: '2023', category: 'payer' });
    expect(await c.completeCheckout(created.paymentID, '01711000001')).toMatchObject({ status: 'not_completed', transactionStatus: 'Failed' });
  });

  it('execute that times out (processed, answer lost) is settled by query', async () => {
    const c = client({ timeoutMs: 300 });
    const created = await c.createPayment({ amountPoisha: 20_000, payerReference: 'K7QX4M2P', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-SLOW' });
    await sim.approve(created.paymentID);
    sim.delayNext('execute', 1_000);
    const o = await c.completeCheckout(created.paymentID, '01711000001');
    expect(o).toMatchObject({ status: 'completed', via: 'query', payment: { amountPoisha: 20_000 } });
    expect(sim.payments.get(created.paymentID)?.executeCalls).toBe(1);
  });

  it('timeouts everywhere are classified and retryable; when query also fails the outcome is unknown', async () => {
    const c = client({ timeoutMs: 200 });
    await c.idToken();
    sim.delayNext('payment/status', 600);
    const err = await c.queryPayment('TR0011NOPE').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BkashApiError);
    expect(err).toMatchObject({ category: 'timeout', retryable: true });
    const created = await c.createPayment({ amountPoisha: 1000, payerReference: 'X', callbackURL: 'http://127.0.0.1:9/cb', merchantInvoiceNumber: 'INV-DOWN' });
    await sim.approve(created.paymentID);
    sim.failNext('execute', 503, { message: 'Service Unavailable' });
    sim.failNext('payment/status', 503, { message: 'Service Unavailable' });
    const o = await checkoutProvider(c, '01711000001').receive({ kind: 'checkout-callback', paymentID: created.paymentID });
    expect(o).toMatchObject({ kind: 'retry', code: 'server' });
    // Later, bKash is back: the same callback completes it.
    const later = await checkoutProvider(c, '01711000001').receive({ kind: 'checkout-callback', paymentID: created.paymentID });
    expect(later.kind).toBe('payment');
  });

  it('the simulator checks amounts, currency and the rest like bKash does', async () => {
    const c = client();
    const token = await c.idToken();
    const call = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      (await fetch(`${sim.url}/tokenized/checkout/create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token, 'x-app-key': sim.credentials.appKey, ...headers }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    const base = { mode: '0011', payerReference: 'X', callbackURL: 'https://asrayon.example/cb', amount: '10.00', currency: 'BDT', intent: 'sale', merchantInvoiceNumber: 'INV-V' };
    expect(await call(base)).toMatchObject({ statusCode: '0000', transactionStatus: 'Initiated' });
    expect(await call({ ...base, amount: '10.005' })).toMatchObject({ statusCode: '2006' });
    expect(await call({ ...base, amount: '0.50' })).toMatchObject({ statusCode: '2006' });
    expect(await call({ ...base, amount: 10 })).toMatchObject({ statusCode: '2065' });
    expect(await call({ ...base, currency: 'USD' })).toMatchObject({ statusCode: '2007' });
    expect(await call({ ...base, intent: 'authorization' })).toMatchObject({ statusCode: '2008' });
    expect(await call({ ...base, mode: '0000' })).toMatchObject({ statusCode: '2063' });
    expect(await call({ ...base, callbackURL: 'javascript:alert(1)' })).toMatchObject({ statusCode: '2049' });
    expect(await call({ ...base, merchantInvoiceNumber: undefined })).toMatchObject({ statusCode: '2065' });
    expect(await call(base, { 'x-app-key': 'wrong' })).toMatchObject({ statusCode: '2001' });
    expect(await call(base, { authorization: 'made-up' })).toMatchObject({ message: 'Unauthorized' });
    await expect(c.createPayment({ amountPoisha: 10.5, payerReference: 'X', callbackURL: 'https://a.example/', merchantInvoiceNumber: 'I' })).rejects.toThrow(/whole/);
    await expect(c.executePayment('TR0011UNKNOWN')).rejects.toMatchObject({ code: '2002', category: 'invalid_request' });
  });
});

describe('payment notification (webhook) from the simulator', () => {
  it('confirms the subscription through the SubscribeURL', async () => {
    const r = await sim.subscribe(webhookUrl);
    expect(r.status).toBe(200);
    expect(outcomes.at(-1)).toMatchObject({ kind: 'ignored', code: 'subscription_confirmed' });
    expect(sim.confirmedSubscriptions).toHaveLength(1);
  });

  it('delivers signed v1 and v2 notifications; a repeat is the same trxId', async () => {
    for (const signatureVersion of ['1', '2'] as const) {
      const results = await sim.notify(webhookUrl, { amountPoisha: 105_000, debitMSISDN: '8801712345678', reference: 'K7QX4M2P' }, { signatureVersion, repeat: 2 });
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const [a, b] = outcomes.slice(-2);
      expect(a).toMatchObject({ kind: 'payment', payment: { amountPoisha: 105_000, reference: 'K7QX4M2P', payerMsisdn: '8801712345678', creditShortCode: '01711000001' } });
      expect(a?.kind === 'payment' && b?.kind === 'payment' && a.payment.trxId === b.payment.trxId).toBe(true);
    }
  });

  it('refuses forgeries, wrong topics, stale messages, other accounts and bad amounts', async () => {
    const p = { amountPoisha: 5000, debitMSISDN: '8801712345678', reference: 'K7QX4M2P' };
    const expectRefused = async (results: Promise<{ status: number }[]>, status: number, code: string) => {
      expect((await results)[0]!.status).toBe(status);
      expect(outcomes.at(-1)).toMatchObject({ code });
    };
    await expectRefused(sim.notify(webhookUrl, p, { tamper: true }), 403, 'bad_signature');
    await expectRefused(sim.notify(webhookUrl, p, { wrongTopic: true }), 403, 'wrong_topic');
    await expectRefused(sim.notify(webhookUrl, p, { stale: true }), 403, 'stale');
    await expectRefused(sim.notify(webhookUrl, { ...p, creditShortCode: '01711000009' }), 403, 'wrong_account');
    await expectRefused(sim.notify(webhookUrl, { ...p, amountPoisha: undefined, amount: '50.001' }), 403, 'bad_notification');
    await expectRefused(sim.notify(webhookUrl, { ...p, transactionStatus: 'Failed' }), 200, 'not_completed');
  });

  it('the merchant statement lists every completed payment once, and reads back', async () => {
    const from = Date.now() - 60_000;
    const { trxID } = { trxID: 'STMT000001' };
    await sim.notify(webhookUrl, { trxID, amountPoisha: 123_45, debitMSISDN: '8801712345678', reference: 'a, "quoted" ref' }, { repeat: 3 });
    const { csv, rows } = sim.merchantStatement(from, Date.now() + 1);
    expect(csv.split('\r\n')[0]).toBe('Transaction ID,Date Time,Transaction Type,Sender,Receiver,Amount,Currency,Reference,Invoice Number,Status');
    expect(rows.filter((r) => r.trxId === trxID)).toHaveLength(1);
    const parsed = parseStatementCsv(csv);
    expect(parsed.skipped).toEqual([]);
    const row = parsed.payments.find((x) => x.trxId === trxID)!;
    expect(row).toMatchObject({ amountPoisha: 12_345, reference: 'a, "quoted" ref', payerMsisdn: '01712345678', creditShortCode: '01711000001' });
    // Forged and stale-but-genuine: forged ones are not in the statement.
    expect(rows.every((r) => r.amountPoisha !== 9_999_900)).toBe(true);
    // Checkout payments are in it too.
    expect(rows.some((r) => r.type === 'Checkout Payment' && r.amountPoisha === 105_050)).toBe(true);
    expect(sim.merchantStatement(0, from).rows.every((r) => r.at < from)).toBe(true);
  });
});
