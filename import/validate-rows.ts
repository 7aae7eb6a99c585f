// Parsed rows → the rows that can be imported and every problem of every other row, so the clerk
// can fix the whole file in one pass instead of one error per upload.
import { parseDhakaDate } from '../domain/dhaka-time';
import type { DhakaDate } from '../domain/types';
import { checkRow, type ProductName, type RowError, type ValidRow } from './check-row';
import type { ParsedRow } from './parse-file';
import { parseMobile, parseNid } from './parse-identity';
import { TEMPLATE_COLUMNS, type ColumnKey } from './template';
import { asciiDigits, cleanText, withoutInvisibles } from './text';

export type { ProductName, RowError, ValidRow } from './check-row';

export interface ValidateOptions {
  /** Today in Asia/Dhaka, `YYYY-MM-DD`; disbursement dates after it are refused. */
  today: DhakaDate;
  /** Headers as written in the file (from parseImportFile), so errors name the clerk's column. */
  headers?: Partial<Record<ColumnKey, string>>;
  /** Known loan products; when given, a code or a product's Bengali/English name is accepted. */
  products?: readonly ProductName[];
}

export interface ValidationResult {
  valid: ValidRow[];
  errors: RowError[];
}

function isBlank(row: ParsedRow): boolean {
  return Object.values(row.values).every((v) => cleanText(v ?? '') === '') && (row.problems ?? []).length === 0;
}

/** Names are compared as a clerk would read them: spacing, case and invisible joiners ignored. */
function nameKey(name: string): string {
  return withoutInvisibles(cleanText(name)).toLowerCase();
}

/** Only a usable value takes part in duplicate checks; a malformed one is already an error. */
function usable<T>(r: { ok: true; value: T } | { ok: false }): T | null {
  return r.ok ? r.value : null;
}

const example = Object.fromEntries(TEMPLATE_COLUMNS.map((c) => [c.key, c.example])) as Record<ColumnKey, string>;
const EXAMPLE_NID = usable(parseNid(example.nid));
const EXAMPLE_NAME = nameKey(example.borrowerName);

export function validateRows(rows: readonly ParsedRow[], options: ValidateOptions): ValidationResult {
  parseDhakaDate(options.today); // a wrong `today` would silently accept or refuse every date
  const headers = options.headers ?? {};
  const column = (key: ColumnKey) => headers[key] ?? key;
  const valid: ValidRow[] = [];
  const errors: RowError[] = [];
  const seenNid = new Map<string, number>();
  const seenRef = new Map<string, number>();
  const seenMobileName = new Map<string, number>();

  for (const parsed of rows) {
    if (isBlank(parsed)) continue;
    const { fields, errors: rowErrors } = checkRow(parsed, { today: options.today, headers, products: options.products });
    const add = (key: ColumnKey, reason: string) => rowErrors.push({ row: parsed.row, column: column(key), value: parsed.values[key] ?? '', reason });
    // Duplicates use the same normalisation as the fields, so ০১৭… and 017… collide.
    const distrusted = new Set((parsed.problems ?? []).map((p) => p.key));
    const value = (key: ColumnKey) => (distrusted.has(key) ? '' : cleanText(parsed.values[key] ?? ''));
    const nid = value('nid') ? usable(parseNid(value('nid'))) : null;
    const ref = value('loanRef') ? asciiDigits(value('loanRef')).toUpperCase() : null;
    const mobile = value('mobile') ? usable(parseMobile(value('mobile'))) : null;
    const name = value('borrowerName') ? nameKey(value('borrowerName')) : null;

    if (nid !== null && nid === EXAMPLE_NID && name === EXAMPLE_NAME) {
      add('borrowerName', "is the template's example row; delete this row before uploading");
    }
    const duplicate = (seen: Map<string, number>, k: string | null, key: ColumnKey, what: string) => {
      if (k === null) return;
      const earlier = seen.get(k);
      if (earlier === undefined) seen.set(k, parsed.row);
      else add(key, `${what} as row ${earlier}`);
    };
    duplicate(seenNid, nid, 'nid', 'the same NID');
    duplicate(seenRef, ref, 'loanRef', 'the same ledger number');
    duplicate(seenMobileName, mobile !== null && name !== null ? `${mobile}|${name}` : null, 'mobile', 'the same mobile number and borrower name');

    if (fields && rowErrors.length === 0) valid.push(fields);
    errors.push(...rowErrors);
  }
  return { valid, errors };
}
