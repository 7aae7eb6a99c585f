// The bank statement of an upazila's project account as CSV (most Bangladeshi banks export
// Date, Description, Reference, Debit, Credit, Balance). Only credits matter here: the money bKash
// settled into the account. Amounts are read as text into poisha, never through a float.
import { parse } from 'csv-parse/sync';
import { parseTakaAmount } from '../bkash/amount';

export interface BankCredit {
  line: number;
  at: number;
  amountPoisha: number;
  reference: string | null;
  description: string;
}

const DHAKA_OFFSET_MS = 6 * 3_600_000;

/** "31/01/2026", "31-01-2026", "2026-01-31" (Dhaka calendar day) → noon of that day, as epoch ms. */
function bankDate(text: string): number {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dmy = /^(\d{2})[/.-](\d{2})[/.-](\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : [];
  const at = Date.parse(`${y}-${m}-${d}T12:00:00Z`) - DHAKA_OFFSET_MS;
  if (!y || Number.isNaN(at) || new Date(at + DHAKA_OFFSET_MS).toISOString().slice(0, 10) !== `${y}-${m}-${d}`) {
    throw new Error(`Date "${text}" is not a date (DD/MM/YYYY or YYYY-MM-DD)`);
  }
  return at;
}

export function parseBankStatementCsv(text: string): { credits: BankCredit[]; skipped: { line: number; reason: string }[] } {
  const records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const credits: BankCredit[] = [];
  const skipped: { line: number; reason: string }[] = [];
  records.forEach((r, i) => {
    const line = i + 2;
    try {
      const credit = (r.credit ?? '').replace(/,/g, '');
      if (!credit || /^0+(\.0+)?$/.test(credit)) {
        skipped.push({ line, reason: 'not a credit' });
        return;
      }
      credits.push({ line, at: bankDate(r.date ?? ''), amountPoisha: parseTakaAmount(credit, 'Credit'), reference: r.reference || null, description: r.description ?? '' });
    } catch (err) {
      skipped.push({ line, reason: (err as Error).message });
    }
  });
  return { credits, skipped };
}
