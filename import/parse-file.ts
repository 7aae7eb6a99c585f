// An uploaded CSV or XLSX file → one record per borrower row, keyed by template column, with the
// row number the clerk sees in Excel. Whole-file problems throw ImportFileError; problems of one
// cell travel with its row so validation can list them with everything else.
import path from 'node:path';
import type { RawCell, SheetGrid } from './grid';
import { isBlankRow, readHeaderRow, repeatsHeader, type HeaderRow } from './header-row';
import { ImportFileError } from './import-file-error';
import { readCsvGrid } from './read-csv';
import { readXlsxGrid } from './read-xlsx';
import { TEMPLATE_COLUMNS, type ColumnKey } from './template';
import { cleanText, columnLetter } from './text';

export { ImportFileError } from './import-file-error';

export type ImportFormat = 'csv' | 'xlsx';

export interface CellProblem {
  /** The template column, when the cell is under a recognised header. */
  key?: ColumnKey;
  /** The header as written in the file, or the column letter for a cell under no header. */
  column: string;
  value: string;
  reason: string;
}

export interface ParsedRow {
  /** 1-based spreadsheet row number; the header is normally row 1. */
  row: number;
  /** Every template column; '' when the cell is empty or the column is not in the file. */
  values: Record<ColumnKey, string>;
  /** Cells whose text cannot be trusted (cut numbers, dates Excel invented, unquoted commas). */
  problems?: CellProblem[];
}

export interface ParsedImportFile {
  format: ImportFormat;
  /** Header of each recognised column as written in the file. */
  headers: Partial<Record<ColumnKey, string>>;
  rows: ParsedRow[];
  /** Not errors: unknown or unlabelled columns that were ignored, title rows above the header. */
  warnings: string[];
}

/** A whole upazila is a few thousand rows; far more means the wrong file (or a runaway sheet). */
export const MAX_DATA_ROWS = 20_000;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // "PK": every .xlsx is a zip archive
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // old .xls, and also any password-protected workbook

function startsWith(buffer: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, i) => buffer[i] === byte);
}

/** The bytes decide over the name: clerks rename files, but a zip is never a CSV. */
export function detectFormat(buffer: Buffer, filename: string): ImportFormat {
  const ext = path.extname(filename).toLowerCase();
  if (buffer.length === 0) throw new ImportFileError('The file is empty.');
  if (startsWith(buffer, OLE_MAGIC)) {
    throw new ImportFileError('This is an old Excel 97–2003 (.xls) file or a password-protected workbook. Open it in Excel and save it as "Excel Workbook (.xlsx)" without a password.');
  }
  if (!['.csv', '.txt', '.xlsx', '.xls'].includes(ext)) {
    throw new ImportFileError(`'${filename}' is not a spreadsheet: upload a .xlsx or .csv file.`);
  }
  if (startsWith(buffer, ZIP_MAGIC)) return 'xlsx';
  if (ext === '.xlsx' || ext === '.xls') {
    throw new ImportFileError(`'${filename}' is named like an Excel file but is not one. Open it in Excel and save it as .xlsx.`);
  }
  return 'csv';
}

function emptyValues(): Record<ColumnKey, string> {
  return Object.fromEntries(TEMPLATE_COLUMNS.map((c) => [c.key, ''])) as Record<ColumnKey, string>;
}

function toParsedRow(cells: readonly RawCell[], rowNumber: number, header: HeaderRow, sheet: SheetGrid): ParsedRow {
  const values = emptyValues();
  const problems: CellProblem[] = [];
  cells.forEach((cell, col) => {
    const key = header.columns.get(col);
    if (key === undefined) return;
    values[key] = cell.text;
    const column = header.headers[key]!;
    if (cell.problem) problems.push({ key, column, value: cell.text, reason: cell.problem });
    else if (cell.isDate && key !== 'disbursedOn') {
      problems.push({ key, column, value: cell.text, reason: 'Excel turned this value into a date; format the column as Text and type it again' });
    }
  });
  // Excel writes every CSV line with as many fields as the header line; a longer line means a value
  // with an unquoted comma was split, shifting the cells after it one column to the right.
  if (sheet.strictWidth && cells.length > header.cellCount) {
    problems.push({
      column: columnLetter(header.cellCount),
      value: cells.slice(header.cellCount).map((c) => c.text).join(','),
      reason: `the row has ${cells.length} values but the header has ${header.cellCount} columns; a value containing a comma (such as 5,10,000) must be inside double quotes`,
    });
  }
  return problems.length > 0 ? { row: rowNumber, values, problems } : { row: rowNumber, values };
}

function unlabelledColumnWarnings(sheet: SheetGrid, header: HeaderRow): string[] {
  const headerCells = sheet.grid[header.index]!;
  const used = new Set<number>();
  for (const cells of sheet.grid.slice(header.index + 1)) {
    cells.forEach((c, col) => {
      const labelled = cleanText(headerCells[col]?.text ?? '') !== '';
      // Past the header's width in a CSV is reported per row (an unquoted comma), not here.
      const overflow = sheet.strictWidth && col >= header.cellCount;
      if (!labelled && !overflow && cleanText(c.text) !== '') used.add(col);
    });
  }
  return [...used].sort((a, b) => a - b).map((col) => `Column ${columnLetter(col)} has values but no header; they were ignored.`);
}

export async function parseImportFile(buffer: Buffer, filename: string): Promise<ParsedImportFile> {
  const format = detectFormat(buffer, filename);
  const sheet = format === 'csv' ? readCsvGrid(buffer) : await readXlsxGrid(buffer);
  const header = readHeaderRow(sheet.grid);
  const rows: ParsedRow[] = [];
  let first = true;
  for (let i = header.index + 1; i < sheet.grid.length; i++) {
    const cells = sheet.grid[i]!;
    if (isBlankRow(cells)) continue;
    const isEcho = first && repeatsHeader(cells, header);
    first = false;
    if (isEcho) continue;
    rows.push(toParsedRow(cells, i + 1, header, sheet));
    if (rows.length > MAX_DATA_ROWS) {
      throw new ImportFileError(`The file has more than ${MAX_DATA_ROWS} borrower rows; split it into smaller files (for example one per society).`);
    }
  }
  if (rows.length === 0) throw new ImportFileError('The file has a header row but no borrowers under it.');
  return { format, headers: header.headers, rows, warnings: [...header.warnings, ...unlabelledColumnWarnings(sheet, header)] };
}
