// What every way of taking bKash money into an Upazila Cooperative Officer's merchant account has in
// common. bKash offers a merchant account two ways:
//
//  1. "Make Payment" from the borrower's bKash app to the merchant wallet, with a reference the payer
//     types. bKash announces each one through its payment notification service, which publishes to
//     an AWS SNS topic per merchant account and delivers signed SNS messages to our webhook
//     (`webhook-provider.ts`, `sns-verify.ts`, `notification.ts`).
//  2. Tokenized checkout (the payment gateway): we create a payment, send the payer to the bKash page,
//     and execute it when the payer's browser comes back to our callback URL
//     (`tokenized-client.ts`).
//
// Both end in the same `ReceivedPayment`, which the rest of Asrayon stores (payments/receive-payment.ts)
// and delivers to the loan's workflow. Money is integer poisha, instants are epoch ms.
import type { EpochMs, Poisha } from '../domain/types';

/** A payment bKash has confirmed, normalised; nothing in it comes from an unverified source. */
export interface ReceivedPayment {
  /** bKash transaction id (trxID), unique across bKash; Asrayon counts a trxId once. */
  trxId: string;
  amountPoisha: Poisha;
  /** When the payer paid, according to bKash. */
  paidAt: EpochMs;
  /** The payer's wallet as bKash reports it (debitMSISDN / customerMsisdn), e.g. "8801712345678". */
  payerMsisdn: string | null;
  /** What the payer typed as the reference (Make Payment) or the payerReference of a checkout. */
  reference: string | null;
  /** The invoice number we gave a checkout payment (absent for app payments). */
  merchantInvoiceNumber?: string;
  /** The merchant wallet / short code that was credited. */
  creditShortCode: string;
  provider: 'bkash';
  /** Which way the money came. */
  channel: 'webhook' | 'checkout';
  /** The provider's own payload, kept for audit. */
  raw: unknown;
}

/** What bKash (or the payer's browser) delivered to us. */
export type ProviderDelivery =
  /** The raw body of an HTTP POST from bKash's payment notification (an SNS message). */
  | { kind: 'sns'; body: string }
  /** The payer's browser returning to the checkout callback URL. Only paymentID is used: the status in
   *  the query string is typed by whoever holds the browser and is never trusted. */
  | { kind: 'checkout-callback'; paymentID: string; status?: string | null };

export type ProviderOutcome =
  /** A verified, completed payment into this account. */
  | { kind: 'payment'; payment: ReceivedPayment }
  /** Genuine, but not money: a subscription confirmed, a failed/cancelled transaction, an unsubscribe. */
  | { kind: 'ignored'; code: string; reason: string; detail?: unknown }
  /** Not from bKash, not for this account, or not well-formed. Answer 4xx; never retry. */
  | { kind: 'rejected'; code: string; reason: string }
  /** We could not decide now (bKash unreachable, timed out). Answer 5xx so SNS retries, or query later. */
  | { kind: 'retry'; code: string; reason: string };

/** One merchant account of one upazila, reached one way. */
export interface PaymentProvider {
  readonly method: 'webhook' | 'checkout';
  /** The merchant wallet / short code this provider takes money into. */
  readonly account: string;
  /** Turns a delivery into an outcome, verifying it with bKash's signature or by asking bKash. */
  receive(delivery: ProviderDelivery): Promise<ProviderOutcome>;
}

/** "8801712345678", "+8801712345678", "01712345678" → "01712345678"; anything else is returned as given. */
export function normaliseWallet(text: string): string {
  const digits = text.replace(/[\s+-]/g, '');
  if (/^8801[3-9]\d{8}$/.test(digits)) return `0${digits.slice(3)}`;
  return digits;
}

export function sameWallet(a: string, b: string): boolean {
  return normaliseWallet(a) === normaliseWallet(b);
}
