// Opaque cursors: the sort key and id of the last row seen, base64url JSON.
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
