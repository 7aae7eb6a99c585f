// A table as CSV: UTF-8 with a BOM (so Excel shows Bengali), headers in the first row, CRLF lines,
// money in taka with 2 decimals, text neutralised against formula injection.
import { header, neutralise, percentText, takaText, type CellValue, type Column, type Lang, type Table } from './table';

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(column: Column, value: CellValue): string {
  if (value === null || value === '') return '';
  if (typeof value === 'number') {
    if (column.kind === 'money') return takaText(value);
    if (column.kind === 'bps') return percentText(value);
    return String(value);
  }
  return neutralise(value);
}

export function toCsv(table: Table, lang: Lang): string {
  const lines = [table.columns.map((c) => field(neutralise(header(c, lang))))];
  for (const row of [...table.rows, ...(table.totals ? [table.totals] : [])]) {
    lines.push(table.columns.map((c) => field(cellText(c, row[c.key] ?? null))));
  }
  return `\ufeff${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
