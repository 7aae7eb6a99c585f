// A table as an .xlsx workbook: a title row naming the office and the period, a header row, the
// rows, a bold totals row; money as numbers in taka with a 2-decimal format, rates as percents.
import ExcelJS from 'exceljs';
import { fractionText, header, neutralise, takaText, type CellValue, type Column, type Lang, type Table } from './table';

const NUM_FMT: Record<Column['kind'], string> = { text: '@', money: '#,##0.00', count: '0', bps: '0.00%' };

function cellValue(column: Column, value: CellValue): string | number | null {
  if (value === null || value === '') return null;
  if (typeof value === 'number') {
    // The number is read from its exact decimal text, e.g. "1234.50", never divided.
    if (column.kind === 'money') return Number(takaText(value));
    if (column.kind === 'bps') return Number(fractionText(value));
    return value;
  }
  return neutralise(value);
}

export async function toXlsx(table: Table, lang: Lang): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 2 }] });
  const width = Math.max(1, table.columns.length);

  sheet.addRow([neutralise(table.title)]);
  sheet.mergeCells(1, 1, 1, width);
  sheet.getRow(1).font = { bold: true, size: 13 };

  const head = sheet.addRow(table.columns.map((c) => neutralise(header(c, lang))));
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'top' };

  for (const row of table.rows) sheet.addRow(table.columns.map((c) => cellValue(c, row[c.key] ?? null)));
  if (table.totals) {
    const totals = table.totals;
    sheet.addRow(table.columns.map((c) => cellValue(c, totals[c.key] ?? null))).font = { bold: true };
  }

  table.columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = c.kind === 'text' ? 24 : 16;
    // Per cell, from row 3, so the title and header rows keep their own look.
    for (let r = 3; r <= sheet.rowCount; r++) sheet.getRow(r).getCell(i + 1).numFmt = NUM_FMT[c.kind];
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
