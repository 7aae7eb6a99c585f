import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseImportFile } from './parse-file';
import { cellToRaw } from './read-xlsx';
import { validateRows } from './validate-rows';

async function toBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An upazila sheet as an officer might really type it: numbers, a real date cell, rich text, a formula. */
async function upazilaWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('মহেশপুর');
  workbook.addWorksheet('ignored').addRow(['সমিতির আইডি']); // only the first sheet is read
  sheet.addRow(['ঋণ বিতরণের তারিখ', 'সমিতির আইডি', 'ঋণগ্রহীতার নাম', 'পিতা/স্বামীর নাম', 'Mobile Number', 'জাতীয় পরিচয়পত্র নম্বর', 'কক্ষ নম্বর', 'ঋণের ধরন', 'ঋণের পরিমাণ (টাকা)', 'পরিশোধিত (টাকা)']);

  const row2 = sheet.addRow([new Date(Date.UTC(2024, 2, 5)), 'MAHESHPUR-S1', { richText: [{ text: 'আমেনা ', font: { bold: true } }, { text: 'বেগম' }] }, 'রফিক মিয়া', 1812345678, 1990000000001, 3, 'ASH-STD', 51000.5, { formula: 'I2/10', result: 5100.05 }]);
  row2.getCell(1).numFmt = 'dd/mm/yyyy';
  row2.getCell(5).numFmt = '00000000000'; // shows the mobile's leading 0
  row2.getCell(9).numFmt = '#,##0.00';

  // Row 3 is left empty; row 4 shows what Excel does to numbers and dates typed without Text format.
  const row4 = sheet.getRow(4);
  row4.values = [new Date(Date.UTC(2023, 10, 20)), 'MAHESHPUR-S1', 'হালিমা খাতুন', 'আজিজুল হক', '01912345678', 19901234567890124, new Date(Date.UTC(2025, 2, 5)), 'ASH-STD', 20000, 0];

  const row5 = sheet.getRow(5);
  row5.values = ['২০/১১/২০২৩', 'MAHESHPUR-S2', 'নাসরিন আক্তার', 'মোতালেব হোসেন', '০১৭১২৩৪৫৬৭৮', '১২৩৪৫৬৭৮৯০', '৪', 'ASH-WEEKLY', '৳১৫,০০০', { formula: 'NA()', result: { error: '#N/A' } }];
  return toBuffer(workbook);
}

describe('parseImportFile: XLSX', () => {
  it('turns numbers, date cells, rich text and formula results into the text the clerk sees', async () => {
    const parsed = await parseImportFile(await upazilaWorkbook(), 'maheshpur.xlsx');
    expect(parsed.format).toBe('xlsx');
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 4, 5]);
    expect(parsed.rows[0]).toEqual({
      row: 2,
      values: {
        societyId: 'MAHESHPUR-S1', borrowerName: 'আমেনা বেগম', fatherOrHusbandName: 'রফিক মিয়া', mobile: '01812345678', nid: '1990000000001',
        barrackNo: '', roomNo: '3', productCode: 'ASH-STD', principalTaka: '51000.5', disbursedOn: '2024-03-05', loanRef: '', paidToDateTaka: '5100.05',
      },
    });
  });

  it('validates the sheet end to end, reporting numbers Excel cut, dates Excel invented and formula errors', async () => {
    const parsed = await parseImportFile(await upazilaWorkbook(), 'maheshpur.xlsx');
    const result = validateRows(parsed.rows, { today: '2026-01-15', headers: parsed.headers });
    expect(result.valid).toEqual([
      {
        row: 2, societyId: 'MAHESHPUR-S1', borrowerName: 'আমেনা বেগম', fatherOrHusbandName: 'রফিক মিয়া', mobile: '01812345678', nid: '1990000000001',
        barrackNo: null, roomNo: '3', productCode: 'ASH-STD', principalPoisha: 5_100_050, disbursedOn: '2024-03-05', loanRef: null, paidToDatePoisha: 510_005,
      },
    ]);
    expect(result.errors.map(({ row, column, value, reason }) => ({ row, column, value, reason: reason.slice(0, 40) }))).toEqual([
      { row: 4, column: 'জাতীয় পরিচয়পত্র নম্বর', value: '19901234567890124', reason: 'Excel stored this as a number and kept o' },
      { row: 4, column: 'কক্ষ নম্বর', value: '2025-03-05', reason: 'Excel turned this value into a date; for' },
      { row: 5, column: 'পরিশোধিত (টাকা)', value: '#N/A', reason: 'the cell shows the formula error #N/A' },
    ]);
  });

  it('refuses a workbook whose first sheet has no header row', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('notes').addRow(['এই ফাইলে কিছু নেই']);
    await expect(parseImportFile(await toBuffer(workbook), 'x.xlsx')).rejects.toThrow(/has no header row/);
  });
});

describe('cellToRaw', () => {
  it('shows numbers as Excel does: whole numbers in full, fractions without binary noise', () => {
    expect(cellToRaw(1990123456789)).toEqual({ text: '1990123456789' });
    expect(cellToRaw(1234.5600000000001)).toEqual({ text: '1234.56' });
    expect(cellToRaw(0.1 + 0.2)).toEqual({ text: '0.3' });
  });

  it('pads numbers formatted with zeros, the usual way to show a mobile number', () => {
    expect(cellToRaw(1712345678, '00000000000')).toEqual({ text: '01712345678' });
    expect(cellToRaw(1712345678, '#,##0')).toEqual({ text: '1712345678' });
  });

  it('marks numbers of 16 or more digits as cut by Excel', () => {
    expect(cellToRaw(19901234567890120)).toMatchObject({ text: '19901234567890120', problem: expect.stringMatching(/kept only its first 15 digits/) });
  });

  it('reads booleans, hyperlinks, shared formulas and empty cells', () => {
    expect(cellToRaw(true)).toEqual({ text: 'TRUE' });
    expect(cellToRaw({ text: 'KH-7', hyperlink: 'https://example.org' })).toEqual({ text: 'KH-7' });
    expect(cellToRaw({ sharedFormula: 'A1', result: 42 })).toEqual({ text: '42' });
    expect(cellToRaw({ formula: 'A1' })).toEqual({ text: '' });
    expect(cellToRaw(null)).toEqual({ text: '' });
  });
});
