// The payment bKash's notification service puts inside an SNS Notification's `Message`: a JSON
// object of strings, for example
//   { "dateTime": "20240131153045", "debitMSISDN": "8801712345678", "creditOrganizationName": "UCO Sadar",
//     "creditShortCode": "01711000001", "trxID": "BAV3KD9Q2X", "transactionStatus": "Completed",
//     "transactionType": "1003", "amount": "1050.00", "currency": "BDT", "transactionReference": "K7QX4M2P" }
// `dateTime` is yyyyMMddHHmmss on the Asia/Dhaka clock (UTC+06:00, no daylight saving since 2009).
// Only transactionStatus "Completed" is money; anything else is reported as not a payment.
import type { EpochMs } from '../domain/types';
import { AmountError, parseTakaAmount } from './amount';
import type { ReceivedPayment } from './payment-provider';

export interface BkashNotificationMessage {
  trxID: string;
  debitMSISDN: string;
  creditShortCode: string;
  creditOrganizationName?: string;
  amount: string;
  currency: string;
  dateTime: string;
  transactionStatus: string;
  transactionType?: string;
  transactionReference?: string;
  merchantInvoiceNumber?: string;
}

export type NotificationParse =
  | { kind: 'payment'; payment: ReceivedPayment }
  | { kind: 'not_completed'; trxId: string; status: string; reason: string }
  | { kind: 'invalid'; field: string; reason: string };

const DHAKA_OFFSET_MS = 6 * 3_600_000;

/** "20240131153045" (Dhaka wall clock) → epoch ms; throws a RangeError for anything not a real moment. */
export function parseBkashDateTime(text: string): EpochMs {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`dateTime "${text.slice(0, 40)}" is not yyyyMMddHHmmss`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new RangeError(`dateTime "${text}" is not a calendar date and time`);
  }
  return utc - DHAKA_OFFSET_MS;
}

/** epoch ms → "20240131153045" on the Dhaka clock. */
export function formatBkashDateTime(at: EpochMs): string {
  return new Date(at + DHAKA_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function invalid(field: string, reason: string): NotificationParse {
  return { kind: 'invalid', field, reason: `${field}: ${reason}` };
}

/** Parses the `Message` of a verified Notification. Never throws. */
export function parseBkashNotification(message: string | unknown): NotificationParse {
  let obj: unknown = message;
  if (typeof message === 'string') {
    try {
      obj = JSON.parse(message);
    } catch {
      return invalid('Message', 'is not JSON');
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return invalid('Message', 'is not a JSON object');
  const m = obj as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined | NotificationParse => {
    const v = m[key];
    if (v === undefined || v === null || v === '') return required ? invalid(key, 'is missing') : undefined;
    if (typeof v !== 'string') return invalid(key, `must be a string, got ${typeof v}`);
    return v;
  };
  const fields: Record<string, string | undefined> = {};
  for (const [key, required] of [
    ['trxID', true],
    ['transactionStatus', true],
    ['amount', true],
    ['currency', true],
    ['dateTime', true],
    ['debitMSISDN', true],
    ['creditShortCode', true],
    ['transactionReference', false],
    ['merchantInvoiceNumber', false],
  ] as const) {
    const v = text(key, required);
    if (typeof v === 'object') return v;
    fields[key] = v;
  }
  const trxId = fields.trxID!;
  if (!/^[A-Za-z0-9]{6,32}$/.test(trxId)) return invalid('trxID', `"${trxId.slice(0, 40)}" is not a bKash transaction id`);
  if (fields.transactionStatus !== 'Completed') {
    return { kind: 'not_completed', trxId, status: fields.transactionStatus!, reason: `transactionStatus is "${fields.transactionStatus}", not "Completed": not a payment` };
  }
  if (fields.currency !== 'BDT') return invalid('currency', `"${fields.currency}" is not BDT`);
  let amountPoisha: number;
  try {
    amountPoisha = parseTakaAmount(fields.amount, 'amount');
  } catch (err) {
    return invalid('amount', (err as AmountError).message.replace(/^amount /, ''));
  }
  let paidAt: number;
  try {
    paidAt = parseBkashDateTime(fields.dateTime!);
  } catch (err) {
    return invalid('dateTime', (err as Error).message.replace(/^dateTime /, ''));
  }
  if (!/^\+?\d{10,15}$/.test(fields.debitMSISDN!)) return invalid('debitMSISDN', `"${fields.debitMSISDN!.slice(0, 40)}" is not a wallet number`);
  const payment: ReceivedPayment = {
    trxId,
    amountPoisha,
    paidAt,
    payerMsisdn: fields.debitMSISDN!,
    reference: fields.transactionReference?.trim() || null,
    creditShortCode: fields.creditShortCode!,
    provider: 'bkash',
    channel: 'webhook',
    raw: m,
  };
  if (fields.merchantInvoiceNumber) payment.merchantInvoiceNumber = fields.merchantInvoiceNumber;
  return { kind: 'payment', payment };
}
