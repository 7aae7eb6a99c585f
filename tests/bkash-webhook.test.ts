// bKash's payment notification end to end: the simulator signs real SNS messages and posts them to
// the API over HTTP; the API verifies, stores, answers, and the money reaches the loan's workflow.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBkashSimulator, type BkashSimulator } from '../bkash/simulator';
import { checkoutProvider, TokenizedClient } from '../bkash/tokenized-client';
import { webhookProvider } from '../bkash/webhook-provider';
import { createApp } from '../api/app';
import type { App } from '../api/app-env';
import { deliverPending } from '../payments/receive-payment';
import { addBorrower, createHarness, type Harness } from './loan-harness';

let h: Harness;
let sim: BkashSimulator;
let server: ServerType;
let webhook: string;
let base: string;

beforeAll(async () => {
  h = await createHarness();
  sim = await startBkashSimulator({});
  let app: App | null = null;
  server = serve({ fetch: (req) => app!.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  webhook = `${base}/api/bkash/webhook/JHENAIDAH-SADAR`;
  const client = new TokenizedClient({ baseUrl: sim.url, ...sim.credentials });
  app = createApp({
    sql: h.sql,
    temporal: h.temporal,
    taskQueue: h.taskQueue,
    bkash: {
      accounts: {
        'JHENAIDAH-SADAR': {
          webhook: webhookProvider({ account: sim.shortCode, topicArns: [sim.topicArn], certFetcher: sim.certFetcher }),
          checkout: checkoutProvider(client, sim.shortCode),
        },
      },
      checkout: { client, publicUrl: base },
    },
  });
});
afterAll(async () => {
  server?.close();
  await sim?.stop();
  await h?.close();
});

async function openLoan(mobile: string) {
  const loan = await h.disburse({ borrowerId: await addBorrower(h.sql, mobile), productCode: 'MONTHLY', principalPoisha: 1_200_000 });
  await h.waitFor(loan.loanId, (v) => v.status === 'active');
  return loan;
}

/** The same API on its own port, handing no payment to the workflows itself (PAYMENT_DELIVERY_IN_API=0). */
async function apiLeavingDeliveryToTheSweeper(): Promise<{ url: string; close(): void }> {
  const app = createApp({
    sql: h.sql,
    temporal: h.temporal,
    taskQueue: h.taskQueue,
    bkash: { accounts: { 'JHENAIDAH-SADAR': { webhook: webhookProvider({ account: sim.shortCode, topicArns: [sim.topicArn], certFetcher: sim.certFetcher }) } }, deliveryConcurrency: 0 },
  });
  const s = serve({ fetch: (req) => app.fetch(req), port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => s.once('listening', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/bkash/webhook/JHENAIDAH-SADAR`, close: () => s.close() };
}

describe('bKash payment notifications', () => {
  it('can leave every delivery to the worker: the API stores and answers, the sweeper applies the payment once', async () => {
    const loan = await openLoan('01722220099');
    const api = await apiLeavingDeliveryToTheSweeper();
    try {
      const [r] = await sim.notify(api.url, { trxID: 'BKS0000001', amountPoisha: 105_000, debitMSISDN: '8801722220099', reference: loan.loanCode }, { repeat: 2 });
      expect(r!.status).toBe(200);
      await new Promise((done) => setTimeout(done, 1_000));
      expect(await h.sql`SELECT status, loan_id FROM payments WHERE trx_id = 'BKS0000001'`).toEqual([{ status: 'received', loan_id: loan.loanId }]);
      expect((await h.view(loan.loanId)).paidPoisha).toBe(0);
      expect((await deliverPending(h.sql, h.temporal, { olderThanMs: 0 })).delivered).toBeGreaterThanOrEqual(1);
      await h.waitFor(loan.loanId, (x) => x.paidPoisha === 105_000);
      expect(await h.sql`SELECT status FROM payments WHERE trx_id = 'BKS0000001'`).toEqual([{ status: 'applied' }]);
    } finally {
      api.close();
    }
  });


  it('verifies, stores and applies a payment once, however often SNS delivers it', async () => {
    const loan = await openLoan('01722220001');
    const results = await sim.notify(webhook, { trxID: 'BKX0000001', amountPoisha: 105_000, debitMSISDN: '8801722220001', reference: loan.loanCode }, { repeat: 10 });
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const v = await h.waitFor(loan.loanId, (x) => x.paidPoisha === 105_000);
    expect(v.installments[0]!.status).toBe('paid');
    const rows = await h.sql`SELECT status, matched_by, recorded_by FROM payments WHERE trx_id = 'BKX0000001'`;
    expect(rows).toEqual([{ status: 'applied', matched_by: 'reference', recorded_by: 'bkash-webhook' }]);
  });

  it.each([
    ['a tampered message', { tamper: true }],
    ['another topic', { wrongTopic: true }],
    ['a stale message', { stale: true }],
  ])('refuses %s with 403 and stores nothing', async (_what, opts) => {
    const loan = await openLoan(`0173333${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`);
    const trxID = `BKF${Date.now().toString().slice(-7)}`;
    const [r] = await sim.notify(webhook, { trxID, amountPoisha: 50_000, debitMSISDN: '8801733330000', reference: loan.loanCode }, opts);
    expect(r!.status).toBe(403);
    expect(await h.sql`SELECT 1 FROM payments WHERE trx_id = ${trxID}`).toHaveLength(0);
    expect((await h.view(loan.loanId)).paidPoisha).toBe(0);
  });

  it('verifies SNS signature version 2 (SHA256) as well', async () => {
    const loan = await openLoan('01744440001');
    const [r] = await sim.notify(webhook, { trxID: 'BKV2000001', amountPoisha: 20_000, debitMSISDN: '8801744440001', reference: loan.loanCode }, { signatureVersion: '2' });
    expect(r!.status).toBe(200);
    await h.waitFor(loan.loanId, (x) => x.paidPoisha === 20_000);
  });

  it('takes a payment through the link in the SMS: checkout, the bKash page, the callback, executed once', async () => {
    const loan = await openLoan('01755550001');
    const start = await fetch(`${base}/api/bkash/pay/${loan.loanCode.toLowerCase()}`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const bkashUrl = new URL(start.headers.get('location')!);
    expect(bkashUrl.origin).toBe(new URL(sim.url).origin);
    const paymentID = [...sim.payments.keys()].at(-1)!;
    const back = await sim.approve(paymentID);
    expect(back.startsWith(`${base}/api/bkash/callback/JHENAIDAH-SADAR`)).toBe(true);
    const res = await fetch(back);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ paid: true, amountPoisha: 105_000 });
    await h.waitFor(loan.loanId, (x) => x.paidPoisha === 105_000);
    // The browser coming back again (reload) executes nothing twice.
    await fetch(back);
    const rows = await h.sql`SELECT status, recorded_by FROM payments WHERE loan_id = ${loan.loanId}`;
    expect(rows).toEqual([{ status: 'applied', recorded_by: 'bkash-checkout' }]);
    expect((await fetch(`${base}/api/bkash/pay/NOSUCHXX`, { redirect: 'manual' })).status).toBe(404);
  });

  it('keeps a payment nobody can be matched to in the officers’ queue', async () => {
    const [r] = await sim.notify(webhook, { trxID: 'BKU0000001', amountPoisha: 33_300, debitMSISDN: '8801999999999', reference: 'kisti' });
    expect(r!.status).toBe(200);
    const [row] = await h.sql`SELECT loan_id, status, office_id FROM payments WHERE trx_id = 'BKU0000001'`;
    expect(row).toEqual({ loan_id: null, status: 'received', office_id: 'JHENAIDAH-SADAR' });
  });
  // Last in this file: the server closes a connection whose body it refused, which a pooled client
  // would otherwise reuse for the next test.
  it('refuses an oversized notification with 413 as it streams in, and stores nothing', async () => {
    const [{ n: before }] = await h.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments`;
    const declared = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(declared.status).toBe(413);
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 32; i++) controller.enqueue(new Uint8Array(16 * 1024).fill(120));
        controller.close();
      },
    });
    const streamed = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chunks, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    const [{ n: after }] = await h.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM payments`;
    expect(after).toBe(before);
  });

});
