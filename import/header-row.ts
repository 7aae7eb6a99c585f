// Finds the header row in a grid and maps its cells to template columns.
import type { Grid, RawCell } from './grid';
import { ImportFileError } from './import-file-error';
import { TEMPLATE_COLUMNS, matchHeader, type ColumnKey } from './template';
import { cleanText, columnLetter } from './text';

export interface HeaderRow {
  /** 0-based index of the header row in the grid (spreadsheet row index + 1). */
  index: number;
  /** Grid column index → the template column it holds. */
  columns: Map<number, ColumnKey>;
  /** Each recognised column's header exactly as written (trimmed), for error messages. */
  headers: Partial<Record<ColumnKey, string>>;
  /** Number of cells in the header row as stored, empty trailing ones included. */
  cellCount: number;
  warnings: string[];
}

// Government sheets often carry a title or office name above the table, so the header may sit a
// few rows down; it is the first row naming at least one template column.
const HEADER_SEARCH_ROWS = 10;

export function isBlankRow(cells: readonly RawCell[] | undefined): boolean {
  return !cells || cells.every((c) => cleanText(c.text) === '');
}

function locate(grid: Grid): number {
  let seen = 0;
  for (let i = 0; i < grid.length && seen < HEADER_SEARCH_ROWS; i++) {
    const cells = grid[i]!;
    if (isBlankRow(cells)) continue;
    seen++;
    if (cells.some((c) => matchHeader(c.text) !== null)) return i;
  }
  if (seen === 0) throw new ImportFileError('The file is empty: it has no header row and no borrowers.');
  const firstRow = grid.find((cells) => !isBlankRow(cells)) ?? [];
  if (firstRow.some((c) => /\?{2,}/.test(c.text))) {
    throw new ImportFileError(
      'The Bengali letters in the file were lost (they show as "???"): it was saved as plain "CSV (Comma delimited)". Save it again as "CSV UTF-8 (Comma delimited)", or upload the .xlsx file.',
    );
  }
  throw new ImportFileError(
    `The file has no header row: none of its first rows names a template column such as '${TEMPLATE_COLUMNS[0]!.headerBn}' or '${TEMPLATE_COLUMNS[0]!.headerEn}'. Download the template to see the column names.`,
  );
}

export function readHeaderRow(grid: Grid): HeaderRow {
  const index = locate(grid);
  const cells = grid[index]!;
  const columns = new Map<number, ColumnKey>();
  const headers: Partial<Record<ColumnKey, string>> = {};
  const where = new Map<ColumnKey, number>();
  const warnings: string[] = [];
  cells.forEach((cell, col) => {
    const text = cleanText(cell.text);
    if (text === '') return;
    const key = matchHeader(text);
    if (key === null) {
      warnings.push(`Column ${columnLetter(col)} '${text}' is not in the template; its values were ignored.`);
      return;
    }
    const earlier = where.get(key);
    if (earlier !== undefined) {
      const first = headers[key]!;
      throw new ImportFileError(
        first === text
          ? `Column '${text}' appears twice (columns ${columnLetter(earlier)} and ${columnLetter(col)}); keep only one.`
          : `Columns '${first}' (${columnLetter(earlier)}) and '${text}' (${columnLetter(col)}) are the same column; keep only one.`,
      );
    }
    where.set(key, col);
    columns.set(col, key);
    headers[key] = text;
  });
  const missing = TEMPLATE_COLUMNS.filter((c) => c.required && headers[c.key] === undefined);
  if (missing.length > 0) {
    throw new ImportFileError(`Missing required columns: ${missing.map((c) => `'${c.headerBn}' (${c.headerEn})`).join(', ')}.`);
  }
  if (index > 0 && grid.slice(0, index).some((row) => !isBlankRow(row))) {
    warnings.push(`Rows 1–${index} above the header row were ignored.`);
  }
  return { index, columns, headers, cellCount: cells.length, warnings };
}

/**
 * True for the template's second header row (the English names under the Bengali ones, or the
 * other way round): every filled cell names the same column as the header above it.
 */
export function repeatsHeader(cells: readonly RawCell[], header: HeaderRow): boolean {
  const filled = cells.map((c, col) => [cleanText(c.text), col] as const).filter(([text]) => text !== '');
  return filled.length > 0 && filled.every(([text, col]) => header.columns.get(col) !== undefined && matchHeader(text) === header.columns.get(col));
}
