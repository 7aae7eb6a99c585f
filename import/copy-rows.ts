// Rows → PostgreSQL COPY (text format), the fastest way to load many rows through postgres.js.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from '../db/client';

export type CopyValue = string | number | boolean | Date | null | undefined | object;

/** One value in COPY text format: \N for null, backslash escapes for the characters COPY reserves. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : text;
}

/** Lines are sent in chunks of about 256 kB: one write per line is far slower. */
function* chunks(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let buffer = '';
  for (const row of rows) {
    buffer += `${row.map(copyField).join('\t')}\n`;
    if (buffer.length > 256_000) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** COPY `rows` into `table` (`columns` in the rows' order). Table and column names come from code, never input. */
export async function copyRows(sql: Sql, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void> {
  const target = await sql.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`).writable();
  await pipeline(Readable.from(chunks(rows)), target);
}
