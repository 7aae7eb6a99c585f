import { describe, expect, it } from 'vitest';
import { ImportFileError, detectFormat, parseImportFile } from './parse-file';
import { TEMPLATE_COLUMNS } from './template';

const BN_HEADER = TEMPLATE_COLUMNS.map((c) => c.headerBn).join(',');
const ROW = 'S1,আমেনা বেগম,রফিক মিয়া,01812345678,1990000000001,2,3,ASH-STD,"5,10,000",05/03/2024,L-1,0';

const csv = (text: string) => Buffer.from(text, 'utf8');
const parseCsv = (text: string) => parseImportFile(csv(text), 'upazila.csv');

async function fileError(promise: Promise<unknown>): Promise<ImportFileError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe('parseImportFile: CSV', () => {
  it('maps each column to its key and numbers rows as Excel does (header = row 1)', async () => {
    const parsed = await parseCsv(`${BN_HEADER}\n${ROW}\n`);
    expect(parsed.format).toBe('csv');
    expect(parsed.rows).toEqual([
      {
        row: 2,
        values: {
          societyId: 'S1', borrowerName: 'আমেনা বেগম', fatherOrHusbandName: 'রফিক মিয়া', mobile: '01812345678', nid: '1990000000001',
          barrackNo: '2', roomNo: '3', productCode: 'ASH-STD', principalTaka: '5,10,000', disbursedOn: '05/03/2024', loanRef: 'L-1', paidToDateTaka: '0',
        },
      },
    ]);
    expect(parsed.headers.principalTaka).toBe('ঋণের পরিমাণ (টাকা)');
  });

  it('handles a BOM, CRLF line ends, quoted commas, quotes and line breaks, and trailing empty lines', async () => {
    const text = `\ufeff${BN_HEADER}\r\n${ROW}\r\nS1,"খাদিজা ""খুকু""\r\nবেগম",পিতা,,,,,ASH-STD,"1,000",01/01/2024,,\r\n\r\n\r\n`;
    const parsed = await parseCsv(text);
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 3]);
    expect(parsed.rows[1]!.values.borrowerName).toBe('খাদিজা "খুকু"\r\nবেগম');
    expect(parsed.headers.societyId).toBe('সমিতির আইডি'); // the BOM is not part of the first header
  });

  it('keeps counting empty lines in the middle, so row numbers match the spreadsheet', async () => {
    const parsed = await parseCsv(`${BN_HEADER}\n${ROW}\n\n,,,,\n${ROW.replace('L-1', 'L-2')}`);
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 5]);
  });

  it('accepts columns in any order, in either language, with odd case and spacing', async () => {
    const parsed = await parseCsv(
      ' LOAN PRODUCT ,disbursement date,ঋণগ্রহীতার নাম,পিতা/স্বামীর নাম,principal (tk),সমিতির আইডি\nASH-STD,01/01/2024,আমেনা,রফিক,500,S1\n',
    );
    expect(parsed.rows[0]!.values).toMatchObject({ productCode: 'ASH-STD', disbursedOn: '01/01/2024', borrowerName: 'আমেনা', principalTaka: '500', societyId: 'S1', mobile: '' });
    expect(parsed.headers.productCode).toBe('LOAN PRODUCT');
  });

  it('reads semicolon- and tab-separated files as Excel writes them in some locales', async () => {
    const semicolon = await parseCsv(`${BN_HEADER.replace(/,/g, ';')}\nS1;আমেনা;রফিক;;;;;ASH-STD;5,10,000;01/01/2024;;\n`);
    expect(semicolon.rows[0]!.values.principalTaka).toBe('5,10,000');
    const tab = await parseCsv(`${BN_HEADER.replace(/,/g, '\t')}\nS1\tআমেনা\tরফিক\t\t\t\t\tASH-STD\t500\t01/01/2024\t\t\n`);
    expect(tab.rows[0]!.values.borrowerName).toBe('আমেনা');
  });

  it('skips the template English header row under the Bengali one', async () => {
    const english = TEMPLATE_COLUMNS.map((c) => c.headerEn).join(',');
    const parsed = await parseCsv(`${BN_HEADER}\n${english}\n${ROW}\n`);
    expect(parsed.rows.map((r) => r.row)).toEqual([3]);
  });

  it('warns about, and ignores, unknown columns, unlabelled columns with values and title rows above the header', async () => {
    const parsed = await parseCsv(`Maheshpur upazila list\n\n${BN_HEADER},মন্তব্য,\n${ROW},পুরনো,extra\n`);
    expect(parsed.rows[0]!.row).toBe(4);
    expect(parsed.warnings).toEqual([
      "Column M 'মন্তব্য' is not in the template; its values were ignored.",
      'Rows 1–2 above the header row were ignored.',
      'Column N has values but no header; they were ignored.',
    ]);
  });

  it('flags a row with more values than the header, the sign of an unquoted comma', async () => {
    const parsed = await parseCsv(`${BN_HEADER}\nS1,আমেনা,রফিক,,,,,ASH-STD,5,10,000,05/03/2024,,\n`);
    expect(parsed.rows[0]!.values).toMatchObject({ principalTaka: '5', disbursedOn: '10', loanRef: '000', paidToDateTaka: '05/03/2024' });
    expect(parsed.rows[0]!.problems).toEqual([
      {
        column: 'M',
        value: ',',
        reason: 'the row has 14 values but the header has 12 columns; a value containing a comma (such as 5,10,000) must be inside double quotes',
      },
    ]);
  });

  it('refuses a file that is not UTF-8, such as Windows-1252 or UTF-16 "Unicode Text"', async () => {
    const latin1 = Buffer.concat([csv('Society ID,Borrower name\nS1,'), Buffer.from([0xc9, 0x6c, 0xe9, 0x6e, 0x61])]);
    expect((await fileError(parseImportFile(latin1, 'x.csv'))).message).toMatch(/^The file is not UTF-8 text.*CSV UTF-8/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(BN_HEADER, 'utf16le')]);
    expect((await fileError(parseImportFile(utf16, 'x.csv'))).message).toMatch(/Unicode Text/);
  });

  it('explains Bengali lost as "???" by a plain CSV save', async () => {
    const error = await fileError(parseCsv('?????? ????,????????? ???\nS1,x\n'));
    expect(error.message).toMatch(/Bengali letters in the file were lost/);
  });

  it('refuses an unclosed quote, naming the line', async () => {
    const error = await fileError(parseCsv(`${BN_HEADER}\nS1,"আমেনা,রফিক\n`));
    expect(error.message).toMatch(/never closed.*line 2/);
  });

  it('refuses a file with no header row, an empty file and a header with no rows', async () => {
    expect((await fileError(parseCsv('1,2,3\n4,5,6\n'))).message).toMatch(/^The file has no header row/);
    expect((await fileError(parseCsv('\n\n'))).message).toBe('The file is empty: it has no header row and no borrowers.');
    expect((await fileError(parseImportFile(Buffer.alloc(0), 'x.csv'))).message).toBe('The file is empty.');
    expect((await fileError(parseCsv(`${BN_HEADER}\n,,,\n`))).message).toBe('The file has a header row but no borrowers under it.');
  });

  it('refuses a column given twice, in the same or in the other language', async () => {
    expect((await fileError(parseCsv(`${BN_HEADER},মোবাইল নম্বর\n${ROW}\n`))).message).toBe(
      "Column 'মোবাইল নম্বর' appears twice (columns D and M); keep only one.",
    );
    expect((await fileError(parseCsv(`${BN_HEADER},Mobile Number\n${ROW}\n`))).message).toBe(
      "Columns 'মোবাইল নম্বর' (D) and 'Mobile Number' (M) are the same column; keep only one.",
    );
  });

  it('refuses a file missing required columns, listing them in both languages', async () => {
    const error = await fileError(parseCsv('ঋণগ্রহীতার নাম,মোবাইল নম্বর\nআমেনা,01812345678\n'));
    expect(error.message).toBe(
      "Missing required columns: 'সমিতির আইডি' (Society ID), 'পিতা/স্বামীর নাম' (Father's or husband's name), 'ঋণের ধরন' (Loan product), 'ঋণের পরিমাণ (টাকা)' (Principal (Tk)), 'ঋণ বিতরণের তারিখ' (Disbursement date).",
    );
  });
});

describe('detectFormat', () => {
  const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]);

  it('reads .csv and .txt as CSV, and any zip as a workbook even when renamed', () => {
    expect(detectFormat(csv('a,b'), 'list.csv')).toBe('csv');
    expect(detectFormat(csv('a,b'), 'LIST.TXT')).toBe('csv');
    expect(detectFormat(zip, 'list.xlsx')).toBe('xlsx');
    expect(detectFormat(zip, 'list.csv')).toBe('xlsx');
  });

  it('refuses old .xls and password-protected workbooks, fake .xlsx files and other file types', () => {
    expect(() => detectFormat(ole, 'list.xls')).toThrow(/Excel 97–2003 \(\.xls\) file or a password-protected workbook/);
    expect(() => detectFormat(ole, 'list.xlsx')).toThrow(ImportFileError);
    expect(() => detectFormat(csv('a,b'), 'list.xlsx')).toThrow("'list.xlsx' is named like an Excel file but is not one. Open it in Excel and save it as .xlsx.");
    expect(() => detectFormat(csv('%PDF'), 'list.pdf')).toThrow("'list.pdf' is not a spreadsheet: upload a .xlsx or .csv file.");
  });

  it('refuses a zip that is not a workbook with a clear message', async () => {
    const error = await fileError(parseImportFile(Buffer.concat([zip, Buffer.alloc(100)]), 'list.xlsx'));
    expect(error.message).toMatch(/could not be opened; it may be damaged/);
  });
});
