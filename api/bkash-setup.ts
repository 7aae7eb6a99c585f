// Mounts bKash's two ways in (the payment notification webhook and the checkout callback) under
// /api/bkash. A verified payment is stored first and answered at once; delivery to the loan's
// workflow follows, and the delivery sweeper retries whatever does not get through.
import { randomBytes } from 'node:crypto';
import type { PaymentProvider } from '../bkash/payment-provider';
import type { TokenizedClient } from '../bkash/tokenized-client';
import { ApiError } from './errors';
import { bkashRoutes } from '../bkash/routes';
import { DeliveryQueue } from '../payments/delivery-queue';
import { deliverPayment, storePayment } from '../payments/receive-payment';
import type { App, AppDeps } from './app-env';

export interface BkashAccounts {
  /** Per upazila office id: its webhook provider and/or checkout provider. */
  accounts: Record<string, { webhook?: PaymentProvider; checkout?: PaymentProvider }>;
  /** Deliveries the API runs at once (default 8); 0 leaves every stored payment to the worker's sweeper. */
  deliveryConcurrency?: number;
  /** Tokenized checkout for payment links; absent without checkout credentials. */
  checkout?: { client: TokenizedClient; publicUrl: string };
}

export function mountBkash(app: App, deps: AppDeps & { bkash?: BkashAccounts }): void {
  if (!deps.bkash) return;
  const { sql, temporal } = deps;
  const checkout = deps.bkash.checkout;
  // A few deliveries at a time; in a burst the rest wait, stored, for the sweeper (delivery-queue.ts).
  // With deliveryConcurrency 0 the API only stores; the worker's sweeper delivers everything.
  const inApi = deps.bkash.deliveryConcurrency ?? 8;
  const deliveries = inApi > 0
    ? new DeliveryQueue((id) => deliverPayment(sql, temporal, id), {
        concurrency: inApi,
        onError: (id, err) => console.error(`[bkash] delivery of payment ${id} deferred to the sweeper: ${(err as Error).message}`),
      })
    : null;

  // The payment link in every SMS: /api/bkash/pay/<loan code>. No login: the loan code is what the
  // borrower has. It starts a checkout for the amount due now (or ?amount=<poisha>) and sends the
  // browser to bKash; the callback below executes it.
  app.get('/api/bkash/pay/:code', async (c) => {
    if (!checkout) throw new ApiError('UNAVAILABLE', 'bKash checkout is not configured here');
    const code = c.req.param('code').toUpperCase();
    const [loan] = await sql<{ office_id: string; due: number; outstanding: number }[]>`
      SELECT l.office_id,
        coalesce((SELECT sum(i.amount_poisha - i.paid_poisha) FROM installments i WHERE i.loan_id = l.id AND i.status <> 'paid'
                  AND i.seq = (SELECT min(seq) FROM installments WHERE loan_id = l.id AND status <> 'paid')), 0)::bigint AS due,
        (l.total_owed_poisha - l.paid_poisha)::bigint AS outstanding
      FROM loans l WHERE l.code = ${code} AND l.status NOT IN ('disbursing', 'closed', 'settled', 'written_off', 'cancelled')`;
    if (!loan || !deps.bkash?.accounts[loan.office_id]?.checkout) throw new ApiError('NOT_FOUND', `no open loan ${code} that takes bKash payments`);
    const asked = c.req.query('amount');
    const amountPoisha = asked === undefined ? loan.due : Number(asked);
    if (!Number.isSafeInteger(amountPoisha) || amountPoisha <= 0 || amountPoisha > loan.outstanding) {
      throw new ApiError('BAD_REQUEST', `amount must be whole poisha between 1 and ${loan.outstanding}`, 'amount');
    }
    const created = await checkout.client.createPayment({
      amountPoisha,
      payerReference: code,
      callbackURL: `${checkout.publicUrl}/api/bkash/callback/${loan.office_id}`,
      merchantInvoiceNumber: `${code}-${randomBytes(4).toString('hex')}`,
    });
    return c.redirect(created.bkashURL, 303);
  });

  app.route(
    '/api/bkash',
    bkashRoutes({
      accounts: deps.bkash.accounts,
      onPayment: async (p, officeId) => {
        const stored = await storePayment(sql, {
          trxId: p.trxId,
          amountPoisha: p.amountPoisha,
          paidAt: p.paidAt,
          provider: 'bkash',
          payerMsisdn: p.payerMsisdn,
          reference: p.reference ?? p.merchantInvoiceNumber ?? null,
          officeId,
          recordedBy: p.channel === 'webhook' ? 'bkash-webhook' : 'bkash-checkout',
          raw: p.raw,
        });
        if (stored.fresh && stored.loanId) {
          deliveries?.offer(stored.paymentId);
        }
      },
      onOutcome: (outcome, officeId, via) => {
        if (outcome.kind === 'rejected' || outcome.kind === 'retry') console.error(`[bkash] ${via} for ${officeId}: ${outcome.kind} ${outcome.code}: ${outcome.reason}`);
      },
    }),
  );
}
