// Opaque cursors: the sort key and id of the last row seen, base64url JSON. Compare a cursor's key
// as `${k}::text::<type>`: a parameter PostgreSQL types as timestamptz is sent by postgres.js through
// a JS Date, which keeps milliseconds only, so rows sharing a microsecond-precise time were skipped.
import { ApiError } from './errors';

export interface Cursor {
  k: string | number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if ((typeof c.k !== 'string' && typeof c.k !== 'number') || typeof c.id !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw new ApiError('BAD_REQUEST', 'cursor is not one this API gave out', 'cursor');
  }
}

export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1]!)) : null };
}

/** A sortable column: its SQL expression and the type its cursor value is compared as. */
export interface SortColumn {
  expr: string;
  type: 'timestamptz' | 'bigint' | 'text';
  /** The row property holding the value, for the next cursor. */
  key: string;
}

/** `?sort=code` or `?sort=-disbursedAt`: the column, the direction, and the ORDER BY / WHERE pieces. */
export function parseSort(sort: string | undefined, columns: Record<string, SortColumn>, fallback: string): { column: SortColumn; desc: boolean } {
  const text = sort ?? fallback;
  const desc = text.startsWith('-');
  const column = Object.hasOwn(columns, desc ? text.slice(1) : text) ? columns[desc ? text.slice(1) : text] : undefined;
  if (!column) throw new ApiError('BAD_REQUEST', `sort must be one of ${Object.keys(columns).flatMap((k) => [k, `-${k}`]).join(', ')}`, 'sort');
  return { column, desc };
}
