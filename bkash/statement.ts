// bKash merchant statement (the transaction report a merchant downloads from the bKash merchant
// portal) as CSV: one row per transaction into the account. The simulator writes it; reconciliation
// reads it back into ReceivedPayments to compare with what the webhook and checkout delivered.
import { parse } from 'csv-parse/sync';
import { formatTakaAmount, parseTakaAmount } from './amount';
import type { ReceivedPayment } from './payment-provider';

export const STATEMENT_COLUMNS = ['Transaction ID', 'Date Time', 'Transaction Type', 'Sender', 'Receiver', 'Amount', 'Currency', 'Reference', 'Invoice Number', 'Status'] as const;

export interface StatementRow {
  trxId: string;
  at: number;
  type: 'Merchant Payment' | 'Checkout Payment';
  sender: string;
  receiver: string;
  amountPoisha: number;
  reference: string;
  invoiceNumber: string;
  status: 'Completed' | 'Reversed' | 'Failed';
}

const DHAKA_OFFSET_MS = 6 * 3_600_000;

/** epoch ms → "2024-01-31 15:30:45" on the Dhaka clock, as the statement shows it. */
export function statementDateTime(at: number): string {
  return new Date(at + DHAKA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function cell(v: string): string {
  return /[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function formatStatementCsv(rows: readonly StatementRow[]): string {
  const lines = [STATEMENT_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([r.trxId, statementDateTime(r.at), r.type, r.sender, r.receiver, formatTakaAmount(r.amountPoisha), 'BDT', r.reference, r.invoiceNumber, r.status].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface StatementParse {
  payments: ReceivedPayment[];
  /** Rows that are not completed payments (reversals, failures) or could not be read. */
  skipped: { line: number; reason: string }[];
}

/** Reads a statement CSV back: completed rows become ReceivedPayments; every other row is listed with why. */
export function parseStatementCsv(text: string): StatementParse {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const out: StatementParse = { payments: [], skipped: [] };
  records.forEach((r, i) => {
    const line = i + 2;
    try {
      if (r.Status !== 'Completed') {
        out.skipped.push({ line, reason: `status ${r.Status ?? '(none)'}` });
        return;
      }
      const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(r['Date Time'] ?? '');
      if (!m) throw new Error(`Date Time "${r['Date Time']}" is not yyyy-MM-dd HH:mm:ss`);
      const at = Date.parse(`${m[1]}T${m[2]}Z`) - DHAKA_OFFSET_MS;
      if (Number.isNaN(at)) throw new Error(`Date Time "${r['Date Time']}" is not a date`);
      if ((r.Currency ?? 'BDT') !== 'BDT') throw new Error(`Currency ${r.Currency} is not BDT`);
      const trxId = r['Transaction ID'] ?? '';
      if (!/^[A-Za-z0-9]{6,32}$/.test(trxId)) throw new Error(`Transaction ID "${trxId}" is not a bKash transaction id`);
      const p: ReceivedPayment = {
        trxId,
        amountPoisha: parseTakaAmount(r.Amount, 'Amount'),
        paidAt: at,
        payerMsisdn: r.Sender || null,
        reference: r.Reference || null,
        creditShortCode: r.Receiver ?? '',
        provider: 'bkash',
        channel: r['Transaction Type'] === 'Checkout Payment' ? 'checkout' : 'webhook',
        raw: r,
      };
      if (r['Invoice Number']) p.merchantInvoiceNumber = r['Invoice Number'];
      out.payments.push(p);
    } catch (err) {
      out.skipped.push({ line, reason: (err as Error).message });
    }
  });
  return out;
}
