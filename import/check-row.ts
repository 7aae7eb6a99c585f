// One parsed row → its typed, normalised fields, or every reason it cannot be imported.
import type { DhakaDate, Poisha } from '../domain/types';
import type { ParsedRow } from './parse-file';
import { parseImportDate } from './parse-date';
import { parseMobile, parseNid } from './parse-identity';
import { parseTaka } from './parse-taka';
import { TEMPLATE_COLUMNS, headerMatchKey, type ColumnKey } from './template';
import { asciiDigits, cleanText } from './text';

export interface ValidRow {
  /** 1-based spreadsheet row number. */
  row: number;
  societyId: string;
  borrowerName: string;
  fatherOrHusbandName: string;
  /** `01[3-9]XXXXXXXX`, or null when not given. */
  mobile: string | null;
  /** 10, 13 or 17 ASCII digits, or null when not given. */
  nid: string | null;
  barrackNo: string | null;
  roomNo: string | null;
  productCode: string;
  principalPoisha: Poisha;
  disbursedOn: DhakaDate;
  /** Ledger number with ASCII digits and upper-case letters, so re-uploads match; null when not given. */
  loanRef: string | null;
  /** 0 when the column is empty or absent. */
  paidToDatePoisha: Poisha;
}

export interface RowError {
  row: number;
  /** The header as written in the file, or the column key when the file has no such column. */
  column: string;
  value: string;
  reason: string;
}

export interface ProductName {
  code: string;
  nameBn?: string;
  nameEn?: string;
}

export interface RowContext {
  today: DhakaDate;
  headers: Partial<Record<ColumnKey, string>>;
  products?: readonly ProductName[];
}

/** Codes look like ASH-STD; a different shape is a typo or a product name typed by hand. */
const PRODUCT_CODE = /^[A-Z0-9][A-Z0-9_-]*$/;

export function resolveProduct(text: string, products: readonly ProductName[] | undefined): { ok: true; code: string } | { ok: false; reason: string } {
  const code = asciiDigits(text).toUpperCase();
  if (!products) {
    return PRODUCT_CODE.test(code) ? { ok: true, code } : { ok: false, reason: 'is not a loan product code such as ASH-STD' };
  }
  const wanted = headerMatchKey(text);
  const found = products.find((p) => [p.code, p.nameBn, p.nameEn].some((name) => name !== undefined && headerMatchKey(name) === wanted));
  return found ? { ok: true, code: found.code } : { ok: false, reason: `is not a loan product; use one of ${products.map((p) => p.code).join(', ')}` };
}

export function checkRow(parsed: ParsedRow, ctx: RowContext): { fields: ValidRow | null; errors: RowError[] } {
  const errors: RowError[] = [];
  const raw = (key: ColumnKey) => parsed.values[key] ?? '';
  const fail = (key: ColumnKey, reason: string) => errors.push({ row: parsed.row, column: ctx.headers[key] ?? key, value: raw(key), reason });
  // A cell the reader already distrusts (a cut number, an invented date) is reported once, as that.
  const distrusted = new Set(parsed.problems?.flatMap((p) => (p.key ? [p.key] : [])));
  const text = (key: ColumnKey): string | null => {
    if (distrusted.has(key)) return null;
    const value = cleanText(raw(key));
    if (value === '' && TEMPLATE_COLUMNS.find((c) => c.key === key)?.required) fail(key, 'is required but empty');
    return value === '' ? null : value;
  };
  const checked = <T>(key: ColumnKey, parse: (value: string) => { ok: true; v: T } | { ok: false; reason: string }): T | null => {
    const value = text(key);
    if (value === null) return null;
    const result = parse(value);
    if (!result.ok) {
      fail(key, result.reason);
      return null;
    }
    return result.v;
  };
  const name = (value: string) => (/\p{L}/u.test(value) ? { ok: true as const, v: value } : { ok: false as const, reason: 'must be written in letters' });
  const lift = <T>(r: { ok: true; value: T } | { ok: false; reason: string }) => (r.ok ? { ok: true as const, v: r.value } : r);

  for (const p of parsed.problems ?? []) if (p.key) errors.push({ row: parsed.row, column: p.column, value: p.value, reason: p.reason });

  const societyId = checked('societyId', (v) => ({ ok: true, v: asciiDigits(v) }));
  const borrowerName = checked('borrowerName', name);
  const fatherOrHusbandName = checked('fatherOrHusbandName', name);
  const mobile = checked('mobile', (v) => lift(parseMobile(v)));
  const nid = checked('nid', (v) => lift(parseNid(v)));
  const barrackNo = checked('barrackNo', (v) => ({ ok: true, v: asciiDigits(v) }));
  const roomNo = checked('roomNo', (v) => ({ ok: true, v: asciiDigits(v) }));
  const productCode = checked('productCode', (v) => {
    const r = resolveProduct(v, ctx.products);
    return r.ok ? { ok: true, v: r.code } : r;
  });
  const principalPoisha = checked('principalTaka', (v) => {
    const r = parseTaka(v);
    if (!r.ok) return r;
    return r.poisha > 0 ? { ok: true, v: r.poisha } : { ok: false, reason: 'must be more than 0' };
  });
  const disbursedOn = checked('disbursedOn', (v) => {
    const r = parseImportDate(v, ctx.today);
    return r.ok ? { ok: true, v: r.date } : r;
  });
  const loanRef = checked('loanRef', (v) => ({ ok: true, v: asciiDigits(v).toUpperCase() }));
  const paid = checked('paidToDateTaka', (v) => {
    const r = parseTaka(v);
    return r.ok ? { ok: true, v: r.poisha } : r;
  });

  for (const p of parsed.problems ?? []) if (!p.key) errors.push({ row: parsed.row, column: p.column, value: p.value, reason: p.reason });

  if (errors.length > 0 || societyId === null || borrowerName === null || fatherOrHusbandName === null || productCode === null || principalPoisha === null || disbursedOn === null) {
    return { fields: null, errors };
  }
  return {
    fields: { row: parsed.row, societyId, borrowerName, fatherOrHusbandName, mobile, nid, barrackNo, roomNo, productCode, principalPoisha, disbursedOn, loanRef, paidToDatePoisha: paid ?? 0 },
    errors,
  };
}
