import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImportFile, type ParsedRow } from './parse-file';
import { TEMPLATE_COLUMNS, type ColumnKey } from './template';
import { asciiDigits, bengaliDigits } from './text';
import { validateRows } from './validate-rows';

const TODAY = '2026-01-15';

function row(n: number, values: Partial<Record<ColumnKey, string>>): ParsedRow {
  const blank = Object.fromEntries(TEMPLATE_COLUMNS.map((c) => [c.key, ''])) as Record<ColumnKey, string>;
  return { row: n, values: { ...blank, ...values } };
}

const GOOD = { societyId: 'S1', borrowerName: 'আমেনা বেগম', fatherOrHusbandName: 'রফিক মিয়া', productCode: 'ASH-STD', principalTaka: '20000', disbursedOn: '01/02/2024' };

describe('validateRows on the bad-rows fixture', () => {
  it('lists every problem of every row, naming the column as written in the file', async () => {
    const parsed = await parseImportFile(readFileSync(new URL('./fixtures/bad-rows.csv', import.meta.url)), 'bad-rows.csv');
    const { errors } = validateRows(parsed.rows, { today: TODAY, headers: parsed.headers });
    const principal = 'ঋণের পরিমাণ (টাকা)';
    const date = 'ঋণ বিতরণের তারিখ';
    const paid = 'পরিশোধিত (টাকা)';
    const notADate = 'is not a date; write it as DD/MM/YYYY (day first), e.g. 15/07/2025';
    const notAnAmount = 'is not an amount in taka; write digits only, e.g. 25000 or ২৫,০০০.৫০';
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      // Row 3: every required cell empty.
      [3, 'সমিতির আইডি', 'is required but empty'],
      [3, 'ঋণগ্রহীতার নাম', 'is required but empty'],
      [3, 'পিতা/স্বামীর নাম', 'is required but empty'],
      [3, 'ঋণের ধরন', 'is required but empty'],
      [3, principal, 'is required but empty'],
      [3, date, 'is required but empty'],
      // Row 4: an 012 number and a 12-digit NID (headers written in English in this file).
      [4, 'Mobile number', 'must be an 11-digit mobile number starting 013–019, e.g. 01712345678'],
      [4, 'NID Number', 'must be 10, 13 or 17 digits, not 12'],
      // Rows 5–7: amounts.
      [5, principal, 'must be more than 0'],
      [5, paid, 'must not be negative'],
      [6, principal, 'has commas in the wrong places; write e.g. 5,10,000 or 510000'],
      [6, paid, 'may have at most 2 digits after the decimal point (poisha)'],
      [7, principal, notAnAmount],
      [7, date, 'is not a real calendar date'],
      // Rows 8–10: dates in the future, before Ashrayan, and not a date at all.
      [8, date, 'is in the future (today is 2026-01-15)'],
      [9, date, 'is before 1997, when the Ashrayan project began'],
      [10, date, notADate],
      // Rows 11–12 are empty and skipped. Row 13 repeats row 2's NID and ledger number in ASCII digits.
      [13, 'NID Number', 'the same NID as row 2'],
      [13, 'খতিয়ান নম্বর', 'the same ledger number as row 2'],
      // Row 14: row 2's borrower again (+88 mobile, double space in the name).
      [14, 'Mobile number', 'the same mobile number and borrower name as row 2'],
      // Row 15: a name of digits, an NID in scientific notation, a product code with a space.
      [15, 'ঋণগ্রহীতার নাম', 'must be written in letters'],
      [15, 'NID Number', 'was turned by Excel into scientific notation and has lost digits; format the column as Text and type the number again'],
      [15, 'ঋণের ধরন', 'is not a loan product code such as ASH-STD'],
      // Row 16: 5,10,000 without quotes split into three cells and shifted the rest.
      [16, date, notADate],
      [16, paid, notAnAmount],
      [16, 'N', 'the row has 15 values but the header has 13 columns; a value containing a comma (such as 5,10,000) must be inside double quotes'],
      // Row 17: the template's example row left in.
      [17, 'ঋণগ্রহীতার নাম', "is the template's example row; delete this row before uploading"],
      // Row 20 (its name spans two lines inside quotes): 29 February of a common year.
      [20, date, 'is not a real calendar date'],
    ]);
    expect(errors.find((e) => e.row === 14)!.value).toBe('+8801812345678');
  });

  it('returns the good rows typed and normalised: ASCII digits, poisha, ISO dates, 01… mobiles', async () => {
    const parsed = await parseImportFile(readFileSync(new URL('./fixtures/bad-rows.csv', import.meta.url)), 'bad-rows.csv');
    const { valid } = validateRows(parsed.rows, { today: TODAY, headers: parsed.headers });
    expect(valid).toEqual([
      {
        row: 2, societyId: 'MAHESHPUR-S1', borrowerName: 'আমেনা বেগম', fatherOrHusbandName: 'রফিক মিয়া', mobile: '01812345678', nid: '1990000000001',
        barrackNo: 'ব্যারাক-2', roomNo: '3', productCode: 'ASH-STD', principalPoisha: 51_000_000, disbursedOn: '2024-03-05', loanRef: 'খ-101', paidToDatePoisha: 1_250_050,
      },
      {
        row: 18, societyId: 'MAHESHPUR-S2', borrowerName: 'সুফিয়া বেগম, ছোট', fatherOrHusbandName: 'মোঃ আলী', mobile: '01712345679', nid: '19901234567890123',
        barrackNo: null, roomNo: '12ক', productCode: 'ASH-LONG', principalPoisha: 10_000_000, disbursedOn: '1997-01-01', loanRef: 'KH-7', paidToDatePoisha: 2_500_000,
      },
      {
        row: 19, societyId: 'MAHESHPUR-S2', borrowerName: 'মর্জিনা', fatherOrHusbandName: 'হাসান "বাবু" মিয়া', mobile: '01912345678', nid: '1234567890',
        barrackNo: null, roomNo: null, productCode: 'ASH-WEEKLY', principalPoisha: 2_000_000, disbursedOn: '2024-03-09', loanRef: null, paidToDatePoisha: 0,
      },
    ]);
  });
});

describe('validateRows', () => {
  it('skips completely empty rows silently', () => {
    const result = validateRows([row(2, {}), row(3, { ...GOOD, borrowerName: '\u00a0 ' }), row(4, GOOD)], { today: TODAY });
    expect(result.errors).toEqual([{ row: 3, column: 'borrowerName', value: '\u00a0 ', reason: 'is required but empty' }]);
    expect(result.valid.map((r) => r.row)).toEqual([4]);
  });

  it('names the column by its key when no headers are given', () => {
    const { errors } = validateRows([row(2, { ...GOOD, mobile: '123' })], { today: TODAY });
    expect(errors.map((e) => e.column)).toEqual(['mobile']);
  });

  it('reports a duplicate on the later row only, naming the first row it repeats', () => {
    const rows = [
      row(2, { ...GOOD, nid: '1234567890', loanRef: 'kh-1', mobile: '01712345678' }),
      row(3, { ...GOOD, nid: '১২৩৪৫৬৭৮৯০', borrowerName: 'অন্য নাম' }),
      row(4, { ...GOOD, loanRef: 'KH-১', borrowerName: 'আরেক নাম' }),
      row(5, { ...GOOD, mobile: '+88 01712-345678', borrowerName: 'আমেনা  বেগম' }),
      row(6, { ...GOOD, mobile: '01712345678', borrowerName: 'আমেনা খাতুন' }), // same phone, different person: allowed
      row(7, { ...GOOD, nid: '1234567890', borrowerName: 'আবার' }),
    ];
    const { valid, errors } = validateRows(rows, { today: TODAY });
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, 'nid', 'the same NID as row 2'],
      [4, 'loanRef', 'the same ledger number as row 2'],
      [5, 'mobile', 'the same mobile number and borrower name as row 2'],
      [7, 'nid', 'the same NID as row 2'],
    ]);
    expect(valid.map((r) => r.row)).toEqual([2, 6]);
  });

  it('still reports a duplicate on a row that has other errors too', () => {
    const { errors } = validateRows([row(2, { ...GOOD, nid: '1234567890' }), row(3, { ...GOOD, nid: '1234567890', principalTaka: '0' })], { today: TODAY });
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, 'principalTaka', 'must be more than 0'],
      [3, 'nid', 'the same NID as row 2'],
    ]);
  });

  it('accepts a product by code, Bengali name or English name when the products are given', () => {
    const products = [{ code: 'ASH-STD', nameBn: 'আশ্রয়ণ সাধারণ ঋণ (মাসিক কিস্তি)', nameEn: 'Ashrayan general loan (monthly installments)' }];
    const rows = [
      row(2, { ...GOOD, productCode: 'ash-std' }),
      row(3, { ...GOOD, productCode: 'আশ্রয়ণ সাধারণ ঋণ (মাসিক কিস্তি)', nid: '1111111111' }),
      row(4, { ...GOOD, productCode: 'ashrayan general loan (monthly installments)', nid: '2222222222' }),
      row(5, { ...GOOD, productCode: 'ASH-GOLD', nid: '3333333333' }),
    ];
    const { valid, errors } = validateRows(rows, { today: TODAY, products });
    expect(valid.map((r) => r.productCode)).toEqual(['ASH-STD', 'ASH-STD', 'ASH-STD']);
    expect(errors).toEqual([{ row: 5, column: 'productCode', value: 'ASH-GOLD', reason: 'is not a loan product; use one of ASH-STD' }]);
  });

  it('allows paid-to-date above the principal, since the service charge is added later', () => {
    const { valid } = validateRows([row(2, { ...GOOD, principalTaka: '10000', paidToDateTaka: '10500' })], { today: TODAY });
    expect(valid[0]!.paidToDatePoisha).toBe(1_050_000);
  });

  it('refuses a today that is not a calendar date rather than judge every date against it', () => {
    expect(() => validateRows([row(2, GOOD)], { today: '15/01/2026' })).toThrow(RangeError);
  });
});

describe('validateRows with Bengali digits', () => {
  const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
  // Mostly valid values, so whole rows often validate and the typed output is compared too.
  const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: invalid, weight: 1 });
  const mobile = mostly(
    fc.tuple(fc.constantFrom('', '+88', '88', '+88 '), fc.constantFrom('013', '017', '019', '17'), digits(8, 8), fc.constantFrom('', '-', ' ')).map(
      ([prefix, op, rest, sep]) => `${prefix}${op}${sep}${rest}`,
    ),
    fc.oneof(fc.constant(''), digits(0, 14), fc.constantFrom('01212345678')),
  );
  const nid = mostly(fc.constantFrom(10, 13, 17).chain((n) => digits(n, n)), fc.oneof(fc.constant(''), digits(1, 20)));
  const amount = mostly(
    fc.oneof(
      fc.integer({ min: 1, max: 10_000_000 }).map((taka) => taka.toLocaleString('en-IN')),
      fc.integer({ min: 1, max: 10_000_000 }).map((taka) => taka.toLocaleString('en-US')),
      fc.tuple(digits(1, 7), digits(0, 2)).map(([whole, paisa]) => (paisa ? `${whole}.${paisa}` : whole)),
    ),
    fc.oneof(fc.constantFrom('', '0', '-5', '5,0000', '৳ 1,000', 'Tk 250/-', '1.234'), digits(0, 20)),
  );
  const date = mostly(
    fc
      .tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1997, max: 2025 }), fc.constantFrom('/', '-', '.', 'iso'))
      .map(([d, m, y, sep]) => (sep === 'iso' ? `${y}-${m}-${String(d).padStart(2, '0')}` : `${d}${sep}${String(m).padStart(2, '0')}${sep}${y}`)),
    fc
      .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1990, max: 2030 }), fc.constantFrom('/', '.', '-'))
      .map(([d, m, y, sep]) => `${d}${sep}${m}${sep}${y}`),
  );
  const asciiRow = fc.record({
    societyId: mostly(fc.constantFrom('S1', 'MAHESHPUR-S12'), fc.constant('')),
    borrowerName: mostly(fc.constantFrom('আমেনা বেগম', 'রহিমা খাতুন', 'সালমা'), fc.constantFrom('', '12')),
    fatherOrHusbandName: mostly(fc.constant('রফিক মিয়া'), fc.constant('')),
    mobile,
    nid,
    barrackNo: fc.constantFrom('', 'ব্যারাক-12', '7'),
    roomNo: digits(0, 3),
    productCode: mostly(fc.constantFrom('ASH-STD', 'ASH-2'), fc.constant('ash 2')),
    principalTaka: amount,
    disbursedOn: date,
    loanRef: fc.constantFrom('', 'খ-101', 'L/2024/7', 'kh-9'),
    paidToDateTaka: fc.oneof(fc.constant(''), amount),
  });

  it('validates a file identically whether its numbers are typed in Bengali or ASCII digits', () => {
    let validRows = 0;
    fc.assert(
      fc.property(fc.array(asciiRow, { minLength: 1, maxLength: 6 }), (values) => {
        const ascii = values.map((v, i) => row(i + 2, v));
        const bengali = values.map((v, i) => row(i + 2, Object.fromEntries(Object.entries(v).map(([k, s]) => [k, bengaliDigits(s)]))));
        const a = validateRows(ascii, { today: TODAY });
        const b = validateRows(bengali, { today: TODAY });
        expect(b.valid).toEqual(a.valid);
        validRows += a.valid.length;
        // An error echoes the cell as typed, so compare it with its digits read back as ASCII.
        expect(b.errors.map((e) => ({ ...e, value: asciiDigits(e.value) }))).toEqual(a.errors);
      }),
      { numRuns: 300 },
    );
    expect(validRows).toBeGreaterThan(100); // the comparison covered typed rows, not only errors
  });
});
