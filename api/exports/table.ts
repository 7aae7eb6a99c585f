// The shape every export is built as before it becomes CSV or XLSX: columns with Bengali and
// English headers and a kind, rows of raw values (money as integer poisha), an optional totals row.
// Turning poisha into taka text is string work on integers; nothing here does money arithmetic.

export type Lang = 'bn' | 'en';
export type ColumnKind = 'text' | 'money' | 'count' | 'bps';
export type CellValue = string | number | null;
export type Row = Record<string, CellValue>;

export interface Column {
  key: string;
  bn: string;
  en: string;
  kind: ColumnKind;
}

export interface Table {
  /** Short name for the sheet, e.g. "Collection". */
  sheet: string;
  /** The title row: names the office and the period. */
  title: string;
  columns: Column[];
  rows: Row[];
  /** Sums computed by the database, shown as a last row. */
  totals?: Row;
}

export const header = (c: Column, lang: Lang): string => (lang === 'bn' ? c.bn : c.en);

/** 123456 poisha → "1234.56"; -5 → "-0.05". */
export function takaText(poisha: number): string {
  if (!Number.isSafeInteger(poisha)) throw new RangeError(`money must be whole poisha, got ${poisha}`);
  const digits = Math.abs(poisha).toString().padStart(3, '0');
  return `${poisha < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** 7619 basis points → "76.19" (percent). */
export function percentText(bps: number): string {
  return takaText(bps);
}

/** 7619 basis points → "0.7619" (a fraction, for a spreadsheet percent format). */
export function fractionText(bps: number): string {
  if (!Number.isSafeInteger(bps)) throw new RangeError(`rate must be whole basis points, got ${bps}`);
  const digits = Math.abs(bps).toString().padStart(5, '0');
  return `${bps < 0 ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/**
 * Text a spreadsheet could take for a formula (= + - @, or a leading tab or carriage return) gets
 * a leading apostrophe, so it is shown, never run.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** "JHENAIDAH-SADAR" stays; anything outside [A-Za-z0-9_-] becomes "_". */
export function filePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'office';
}
