// XLSX bytes → grid (first worksheet only), each cell turned into the text the clerk sees.
import ExcelJS from 'exceljs';
import type { Grid, RawCell, SheetGrid } from './grid';
import { ImportFileError } from './import-file-error';
import { checkZipLimits } from './zip-limits';

// Excel stores numbers as doubles and keeps 15 significant digits; a longer number (a 17-digit NID
// typed without Text format) has already lost its last digits inside the file.
const EXACT_DIGITS_LIMIT = 1e15;

const CUT_NUMBER =
  'Excel stored this as a number and kept only its first 15 digits, so the last digits may be wrong; format the column as Text and type the value again';

function numberCell(value: number, numFmt: string | undefined): RawCell {
  if (!Number.isFinite(value)) return { text: String(value) };
  if (Number.isInteger(value)) {
    if (Math.abs(value) >= EXACT_DIGITS_LIMIT) return { text: value.toLocaleString('en-US', { useGrouping: false }), problem: CUT_NUMBER };
    const text = String(value);
    // A format of only zeros ("00000000000") is how offices show a mobile number's leading 0.
    return { text: numFmt && /^0+$/.test(numFmt) ? text.padStart(numFmt.length, '0') : text };
  }
  // 15 significant digits is what Excel displays; it hides binary noise such as 1234.5600000000001.
  return { text: String(Number(value.toPrecision(15))) };
}

/** exceljs reads a date cell as a Date at UTC midnight of that calendar day. */
function dateCell(value: Date): RawCell {
  return Number.isNaN(value.getTime()) ? { text: '' } : { text: value.toISOString().slice(0, 10), isDate: true };
}

export function cellToRaw(value: ExcelJS.CellValue, numFmt?: string): RawCell {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return numberCell(value, numFmt);
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return dateCell(value);
  if ('richText' in value) return { text: value.richText.map((part) => part.text).join('') };
  if ('error' in value) return { text: value.error, problem: `the cell shows the formula error ${value.error}` };
  if ('formula' in value || 'sharedFormula' in value) return cellToRaw(value.result ?? null, numFmt);
  // A hyperlink's text is sometimes itself rich text.
  if ('text' in value) return cellToRaw(value.text as ExcelJS.CellValue, numFmt);
  return { text: '' };
}

export async function readXlsxGrid(buffer: Buffer): Promise<SheetGrid> {
  checkZipLimits(buffer);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type; a Node Buffer is what it actually reads.
    await workbook.xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  } catch {
    throw new ImportFileError('The Excel file could not be opened; it may be damaged. Open it in Excel, save it again as .xlsx and upload that.');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError('The Excel file has no worksheets.');
  const grid: Grid = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: RawCell[] = [];
    for (let col = 1; col <= row.cellCount; col++) {
      const cell = row.getCell(col);
      cells.push(cellToRaw(cell.value, cell.numFmt));
    }
    grid[rowNumber - 1] = cells;
  });
  // eachRow skips empty rows, leaving holes; fill them so grid[i] is still row i + 1.
  return { grid: Array.from(grid, (cells) => cells ?? []), strictWidth: false };
}
