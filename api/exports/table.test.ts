import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { fractionText, neutralise, percentText, takaText, type Table } from './table';
import { toXlsx } from './xlsx';

const table: Table = {
  sheet: 'Test',
  title: 'পরীক্ষা — JHENAIDAH — 2026-06-01 to 2026-08-31',
  columns: [
    { key: 'name', bn: 'নাম', en: 'Name', kind: 'text' },
    { key: 'amount', bn: 'পরিমাণ (টাকা)', en: 'Amount (Tk)', kind: 'money' },
    { key: 'rate', bn: 'হার (%)', en: 'Rate (%)', kind: 'bps' },
    { key: 'n', bn: 'সংখ্যা', en: 'Count', kind: 'count' },
  ],
  rows: [
    { name: 'রহিমা, "বড়" খাতুন', amount: 123_456, rate: 7619, n: 3 },
    { name: '=HYPERLINK("http://evil.example","x")', amount: 5, rate: null, n: 0 },
    { name: '+1', amount: 0, rate: 10_000, n: 1 },
    { name: '\tTAB', amount: 100, rate: 1, n: 1 },
  ],
  totals: { name: 'মোট', amount: 123_561 },
};

describe('taka and percent text', () => {
  it.each([
    [0, '0.00'], [5, '0.05'], [100, '1.00'], [123_456, '1234.56'], [-5, '-0.05'], [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('writes %d poisha as %s taka', (poisha, text) => {
    expect(takaText(poisha)).toBe(text);
  });

  it('refuses money that is not whole poisha', () => {
    expect(() => takaText(1.5)).toThrow(RangeError);
  });

  it('writes basis points as a percent and as a fraction', () => {
    expect(percentText(7619)).toBe('76.19');
    expect(fractionText(7619)).toBe('0.7619');
    expect(fractionText(10_000)).toBe('1.0000');
    expect(fractionText(1)).toBe('0.0001');
  });
});

describe('formula injection', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('prefixes %j with an apostrophe', (text) => {
    expect(neutralise(text)).toBe(`'${text}`);
  });

  it('leaves ordinary text alone', () => {
    expect(neutralise('রহিমা খাতুন')).toBe('রহিমা খাতুন');
    expect(neutralise('a=b')).toBe('a=b');
  });
});

describe('CSV', () => {
  it('starts with a BOM and the Bengali headers, quotes where needed and neutralises formulas', () => {
    const csv = toCsv(table, 'bn');
    expect(csv.startsWith('\ufeffনাম,')).toBe(true);
    const rows = parse(csv, { bom: true, relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(['নাম', 'পরিমাণ (টাকা)', 'হার (%)', 'সংখ্যা']);
    expect(rows[1]).toEqual(['রহিমা, "বড়" খাতুন', '1234.56', '76.19', '3']);
    expect(rows[2]).toEqual(['\'=HYPERLINK("http://evil.example","x")', '0.05', '', '0']);
    expect(rows[3]![0]).toBe("'+1");
    expect(rows[4]![0]).toBe("'\tTAB");
    expect(rows[5]).toEqual(['মোট', '1235.61', '', '']);
  });

  it('uses English headers when asked', () => {
    const rows = parse(toCsv(table, 'en'), { bom: true }) as string[][];
    expect(rows[0]).toEqual(['Name', 'Amount (Tk)', 'Rate (%)', 'Count']);
  });
});

describe('XLSX', () => {
  it('has a title row, a header row, money as taka numbers with a money format, and neutralised text', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(table, 'en')) as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe(table.title);
    expect(sheet.getRow(2).values).toEqual([undefined, 'Name', 'Amount (Tk)', 'Rate (%)', 'Count']);
    expect(sheet.getCell('B3').value).toBe(1234.56);
    expect(sheet.getCell('B3').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('C3').value).toBe(0.7619);
    expect(sheet.getCell('C3').numFmt).toBe('0.00%');
    expect(sheet.getCell('A4').value).toBe('\'=HYPERLINK("http://evil.example","x")');
    expect(sheet.getCell('A7').value).toBe('মোট');
    expect(sheet.getCell('B7').value).toBe(1235.61);
  });
});
