import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseImportFile } from './parse-file';
import { TEMPLATE_COLUMNS, matchHeader, templateCsv, templateXlsx } from './template';

describe('template columns', () => {
  it('has the agreed keys, in order, and the ledger number and paid-to-date as optional columns', () => {
    expect(TEMPLATE_COLUMNS.map((c) => c.key)).toEqual([
      'societyId', 'borrowerName', 'fatherOrHusbandName', 'mobile', 'nid', 'barrackNo', 'roomNo',
      'productCode', 'principalTaka', 'disbursedOn', 'loanRef', 'paidToDateTaka',
    ]);
    expect(TEMPLATE_COLUMNS.filter((c) => c.required).map((c) => c.key)).toEqual([
      'societyId', 'borrowerName', 'fatherOrHusbandName', 'productCode', 'principalTaka', 'disbursedOn',
    ]);
  });

  it('gives every column a distinct Bengali and English header and a description', () => {
    const names = TEMPLATE_COLUMNS.flatMap((c) => [c.headerBn, c.headerEn]);
    expect(new Set(names).size).toBe(names.length);
    for (const c of TEMPLATE_COLUMNS) expect(c.description.length).toBeGreaterThan(10);
  });
});

describe('matchHeader', () => {
  it('recognises each column by its Bengali header, its English header or its key', () => {
    for (const c of TEMPLATE_COLUMNS) {
      expect(matchHeader(c.headerBn)).toBe(c.key);
      expect(matchHeader(c.headerEn)).toBe(c.key);
      expect(matchHeader(c.key)).toBe(c.key);
    }
  });

  it('ignores case, surrounding and inner spacing, dots, colons and a required-mark asterisk', () => {
    expect(matchHeader('  MOBILE NUMBER ')).toBe('mobile');
    expect(matchHeader('mobile   number')).toBe('mobile');
    expect(matchHeader('Room no')).toBe('roomNo');
    expect(matchHeader('সমিতির আইডি *')).toBe('societyId');
    expect(matchHeader('ঋণের পরিমাণ(টাকা):')).toBe('principalTaka');
    expect(matchHeader('\u00a0মোবাইল\u00a0নম্বর')).toBe('mobile');
  });

  it('treats the precomposed and the decomposed য় as the same letter', () => {
    // "পরিচয়পত্র" typed with য + nukta (U+09AF U+09BC) instead of U+09DF.
    expect(matchHeader('জাতীয় পরিচ\u09af\u09bcপত্র নম্বর')).toBe('nid');
    expect(matchHeader('জাতী\u09dfপরিচ\u09dfপত্র নম্বর')).toBe('nid');
  });

  it('does not recognise unknown headers', () => {
    expect(matchHeader('মন্তব্য')).toBeNull();
    expect(matchHeader('Phone')).toBeNull();
    expect(matchHeader('Mobile no')).toBeNull();
    expect(matchHeader('')).toBeNull();
  });
});

describe('templateCsv', () => {
  it('starts with a UTF-8 BOM and holds the Bengali headers, the English headers and one example', () => {
    const csv = templateCsv();
    expect(csv.startsWith('\ufeff')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(TEMPLATE_COLUMNS.map((c) => c.headerBn).join(','));
    expect(lines[1]).toBe(`Society ID,Borrower name,Father's or husband's name,Mobile number,NID number,Barrack no.,Room no.,Loan product,Principal (Tk),Disbursement date,Ledger no.,Paid to date (Tk)`);
    expect(lines[2]).toContain('"৩০,০০০"');
  });

  it('reads back through the importer with the English row skipped and the example as row 3', async () => {
    const parsed = await parseImportFile(Buffer.from(templateCsv(), 'utf8'), 'template.csv');
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0]!.row).toBe(3);
    expect(parsed.rows[0]!.values.principalTaka).toBe('৩০,০০০');
    expect(parsed.warnings).toEqual([]);
  });
});

describe('templateXlsx', () => {
  it('is a workbook with Bengali headers in row 1, English in row 2, a real date in the example row and notes', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await templateXlsx()) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('সমিতির আইডি');
    expect(sheet.getRow(2).getCell(1).value).toBe('Society ID');
    const dateColumn = TEMPLATE_COLUMNS.findIndex((c) => c.key === 'disbursedOn') + 1;
    expect(sheet.getRow(3).getCell(dateColumn).value).toEqual(new Date('2025-07-15T00:00:00Z'));
    expect(String(sheet.getRow(1).getCell(1).note)).toMatch(/required/);
  });

  it('reads back through the importer like the CSV template does', async () => {
    const parsed = await parseImportFile(await templateXlsx(), 'template.xlsx');
    const fromCsv = await parseImportFile(Buffer.from(templateCsv(), 'utf8'), 'template.csv');
    expect(parsed.rows).toEqual([{ ...fromCsv.rows[0]!, values: { ...fromCsv.rows[0]!.values, disbursedOn: '2025-07-15' } }]);
  });
});
