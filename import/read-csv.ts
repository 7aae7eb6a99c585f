// CSV bytes → grid. Only UTF-8 is accepted: Excel's plain "CSV (Comma delimited)" writes Bengali in
// a legacy code page (or as "?"), and guessing code pages would import wrong names silently.
import { CsvError, parse } from 'csv-parse/sync';
import type { SheetGrid } from './grid';
import { ImportFileError } from './import-file-error';

const SAVE_AS_UTF8 = 'In Excel use File → Save As → "CSV UTF-8 (Comma delimited)", or upload the .xlsx file instead.';

function decodeUtf8(buffer: Buffer): string {
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    throw new ImportFileError(`The file is saved as "Unicode Text" (UTF-16), not as CSV UTF-8. ${SAVE_AS_UTF8}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new ImportFileError(`The file is not UTF-8 text, so its Bengali letters cannot be read. ${SAVE_AS_UTF8}`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Excel in some locales writes ";" (or tab for "Text") instead of ",". The delimiter is the one that
 * occurs most often, outside quotes, on the first line that is not empty.
 */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

export function readCsvGrid(buffer: Buffer): SheetGrid {
  const text = decodeUtf8(buffer);
  let records: string[][];
  try {
    // Empty lines are kept (as rows of one empty cell) so record i stays spreadsheet row i + 1,
    // which is the number Excel shows; a quoted value with line breaks stays one row, as in Excel.
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    if (err instanceof CsvError && err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new ImportFileError(`A value in double quotes is never closed (a " is missing), near line ${String(err.lines)} of the file.`);
    }
    if (err instanceof CsvError) throw new ImportFileError(`The CSV file is damaged near line ${String(err.lines)}: ${err.message}`);
    throw err;
  }
  return { grid: records.map((cells) => cells.map((text) => ({ text }))), strictWidth: true };
}
