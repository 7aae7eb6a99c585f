// HTTP routes for both ways money arrives, as a Hono sub-app to mount (e.g. app.route('/api/bkash', …)):
//   POST /webhook/:officeId   bKash's payment notification (SNS), raw body; 200 accepted or ignored,
//                             403 refused (forgery, wrong topic/account: SNS does not retry),
//                             503 try again (certificate unreachable, storing failed: SNS retries).
//   GET  /callback/:officeId  the payer's browser back from the bKash page (?paymentID=…&status=…).
//                             The status in the query is ignored; the payment is executed/queried.
// No session or CSRF middleware must run in front of these: bKash and the payer's browser call them.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PaymentProvider, ProviderOutcome, ReceivedPayment } from './payment-provider';

export interface BkashRoutesOptions {
  /** Per upazila office id: its webhook provider and/or checkout provider. */
  accounts: Record<string, { webhook?: PaymentProvider; checkout?: PaymentProvider }>;
  /** Store (and deliver) a verified payment; throw to make bKash/SNS retry. Must be idempotent by trxId. */
  onPayment(payment: ReceivedPayment, officeId: string): Promise<void>;
  /** Every outcome, for logs and alerts (an UnsubscribeConfirmation deserves an alert). */
  onOutcome?(outcome: ProviderOutcome, officeId: string, via: 'webhook' | 'checkout'): void;
  /** Where to send the payer's browser after the callback; default: a JSON answer. */
  returnUrl?(outcome: ProviderOutcome, officeId: string): string;
}

export const WEBHOOK_MAX_BYTES = 64 * 1024;

export function bkashRoutes(opts: BkashRoutesOptions): Hono {
  const app = new Hono();
  // An SNS message is a few KB; anything much larger is refused while it streams in, never buffered.
  const limit = bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: (c) => c.json({ error: { code: 'TOO_LARGE', message: `body larger than ${WEBHOOK_MAX_BYTES} bytes` } }, 413) });
  app.post('/webhook/:officeId', limit, async (c) => {
    const officeId = c.req.param('officeId');
    const provider = opts.accounts[officeId]?.webhook;
    if (!provider) return c.json({ error: { code: 'NOT_FOUND', message: 'no bKash webhook for this office' } }, 404);
    const body = await c.req.text();
    // Server-Timing says where an answer's time went (verifying, storing); the rest was spent
    // outside the handler: in the network, or waiting for the event loop.
    let t = performance.now();
    const outcome = await provider.receive({ kind: 'sns', body });
    const timing = [`verify;dur=${(performance.now() - t).toFixed(1)}`];
    opts.onOutcome?.(outcome, officeId, 'webhook');
    if (outcome.kind === 'payment') {
      t = performance.now();
      try {
        await opts.onPayment(outcome.payment, officeId);
      } catch (err) {
        return c.json({ error: { code: 'STORE_FAILED', message: (err as Error).message } }, 503);
      }
      timing.push(`store;dur=${(performance.now() - t).toFixed(1)}`);
      c.header('Server-Timing', timing.join(', '));
      return c.json({ accepted: outcome.payment.trxId });
    }
    c.header('Server-Timing', timing.join(', '));
    if (outcome.kind === 'ignored') return c.json({ ignored: outcome.code, reason: outcome.reason });
    if (outcome.kind === 'rejected') return c.json({ error: { code: outcome.code, message: outcome.reason } }, 403);
    return c.json({ error: { code: outcome.code, message: outcome.reason } }, 503);
  });
  app.get('/callback/:officeId', async (c) => {
    const officeId = c.req.param('officeId');
    const provider = opts.accounts[officeId]?.checkout;
    if (!provider) return c.json({ error: { code: 'NOT_FOUND', message: 'no bKash checkout for this office' } }, 404);
    const outcome = await provider.receive({ kind: 'checkout-callback', paymentID: c.req.query('paymentID') ?? '', status: c.req.query('status') ?? null });
    opts.onOutcome?.(outcome, officeId, 'checkout');
    if (outcome.kind === 'payment') {
      try {
        await opts.onPayment(outcome.payment, officeId);
      } catch (err) {
        return c.json({ error: { code: 'STORE_FAILED', message: (err as Error).message } }, 503);
      }
    }
    if (opts.returnUrl) return c.redirect(opts.returnUrl(outcome, officeId), 303);
    const status = outcome.kind === 'rejected' ? 400 : outcome.kind === 'retry' ? 503 : 200;
    return c.json(outcome.kind === 'payment' ? { paid: true, trxId: outcome.payment.trxId, amountPoisha: outcome.payment.amountPoisha } : { paid: false, code: outcome.code, reason: outcome.reason }, status);
  });
  return app;
}
