// The bulk-import column template: which columns exist, how their headers are recognised, and
// the downloadable blank template (CSV and XLSX).
//
// Layout of the downloadable template (both formats): row 1 holds the Bengali headers, row 2 the
// English headers, row 3 one example borrower. A second row rather than cell notes, because CSV has
// no notes and the two formats should look the same. The reader skips a row 2 that repeats the
// headers, so an officer may leave it in; the example row must be deleted (validation says so).
import ExcelJS from 'exceljs';
import { cleanText, withoutInvisibles } from './text';

export type ColumnKey =
  | 'societyId'
  | 'borrowerName'
  | 'fatherOrHusbandName'
  | 'mobile'
  | 'nid'
  | 'barrackNo'
  | 'roomNo'
  | 'productCode'
  | 'principalTaka'
  | 'disbursedOn'
  | 'loanRef'
  | 'paidToDateTaka';

export interface TemplateColumn {
  key: ColumnKey;
  headerBn: string;
  headerEn: string;
  required: boolean;
  description: string;
  /** The value shown in the template's example row. */
  example: string;
}

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  { key: 'societyId', headerBn: 'সমিতির আইডি', headerEn: 'Society ID', required: true, description: 'ID of the cooperative society as registered in Asrayon, e.g. MAHESHPUR-S1.', example: 'MAHESHPUR-S1' },
  { key: 'borrowerName', headerBn: 'ঋণগ্রহীতার নাম', headerEn: 'Borrower name', required: true, description: "Borrower's full name as on the NID card.", example: 'রহিমা খাতুন' },
  { key: 'fatherOrHusbandName', headerBn: 'পিতা/স্বামীর নাম', headerEn: "Father's or husband's name", required: true, description: "Father's or husband's full name.", example: 'আব্দুল করিম' },
  { key: 'mobile', headerBn: 'মোবাইল নম্বর', headerEn: 'Mobile number', required: false, description: '11-digit Bangladeshi mobile number, e.g. 01712345678; +88 is removed. Bengali digits allowed.', example: '০১৭১২-৩৪৫৬৭৮' },
  { key: 'nid', headerBn: 'জাতীয় পরিচয়পত্র নম্বর', headerEn: 'NID number', required: false, description: 'National ID number: 10, 13 or 17 digits. Keep this column formatted as Text in Excel.', example: '1990123456789' },
  { key: 'barrackNo', headerBn: 'ব্যারাক নম্বর', headerEn: 'Barrack no.', required: false, description: 'Barrack number in the Ashrayan project.', example: 'ব্যারাক-৩' },
  { key: 'roomNo', headerBn: 'কক্ষ নম্বর', headerEn: 'Room no.', required: false, description: 'Room number in the barrack.', example: '৫' },
  { key: 'productCode', headerBn: 'ঋণের ধরন', headerEn: 'Loan product', required: true, description: 'Loan product code, e.g. ASH-STD, ASH-WEEKLY or ASH-LONG.', example: 'ASH-STD' },
  { key: 'principalTaka', headerBn: 'ঋণের পরিমাণ (টাকা)', headerEn: 'Principal (Tk)', required: true, description: 'Loan amount in taka, up to 2 decimals; commas, lakh grouping (৫,১০,০০০) and ৳/Tk allowed.', example: '৩০,০০০' },
  { key: 'disbursedOn', headerBn: 'ঋণ বিতরণের তারিখ', headerEn: 'Disbursement date', required: true, description: 'Date the loan was paid out: DD/MM/YYYY (day first) or YYYY-MM-DD. Not before 1997, not in the future.', example: '15/07/2025' },
  { key: 'loanRef', headerBn: 'খতিয়ান নম্বর', headerEn: 'Ledger no.', required: false, description: "The office's own ledger number for this loan. If given, uploading the same file again does not create the loan twice.", example: 'খ-২০২৫/০১২' },
  { key: 'paidToDateTaka', headerBn: 'পরিশোধিত (টাকা)', headerEn: 'Paid to date (Tk)', required: false, description: 'Amount already repaid on the paper ledger, in taka. Leave empty if nothing was repaid.', example: '৫,০০০' },
];

/**
 * How a header cell is compared: case, spaces, dots, colons and asterisks (a "required" mark) are
 * ignored, so "Room no." = "room no" = "ROOM NO:" = "roomNo" and "ঋণের পরিমাণ(টাকা)" matches too.
 */
export function headerMatchKey(text: string): string {
  return withoutInvisibles(cleanText(text)).toLowerCase().replace(/[\s.:*]/g, '');
}

const BY_HEADER = new Map<string, ColumnKey>();
for (const c of TEMPLATE_COLUMNS) {
  for (const name of [c.headerBn, c.headerEn, c.key]) BY_HEADER.set(headerMatchKey(name), c.key);
}

/** The column a header cell names, in either language (or the key itself), or null if unknown. */
export function matchHeader(text: string): ColumnKey | null {
  return BY_HEADER.get(headerMatchKey(text)) ?? null;
}

export function columnByKey(key: ColumnKey): TemplateColumn {
  const column = TEMPLATE_COLUMNS.find((c) => c.key === key);
  if (!column) throw new Error(`unknown column key ${key}`);
  return column;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The template as CSV text, starting with a BOM so Excel reads it as UTF-8 and shows Bengali. */
export function templateCsv(): string {
  const lines = [
    TEMPLATE_COLUMNS.map((c) => c.headerBn),
    TEMPLATE_COLUMNS.map((c) => c.headerEn),
    TEMPLATE_COLUMNS.map((c) => c.example),
  ].map((cells) => cells.map(csvField).join(','));
  // CRLF: what Excel itself writes, and what every CSV reader accepts.
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The template as an .xlsx workbook: same three rows, plus each column's description as a note. */
export async function templateXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('ঋণগ্রহীতা (Borrowers)', { views: [{ state: 'frozen', ySplit: 2 }] });
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(16, c.headerEn.length + 4, c.headerBn.length + 6);
    // Text format so Excel keeps mobile numbers' leading 0 and all 17 NID digits as typed; the date
    // column keeps a real date format so a typed date is stored unambiguously.
    column.numFmt = c.key === 'disbursedOn' ? 'yyyy-mm-dd' : '@';
  });
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => c.headerBn));
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => c.headerEn));
  sheet.addRow(TEMPLATE_COLUMNS.map((c) => (c.key === 'disbursedOn' ? exampleDate(c.example) : c.example)));
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const bn = sheet.getRow(1).getCell(i + 1);
    bn.font = { bold: true };
    bn.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: c.required ? 'FFFCE4D6' : 'FFE2EFDA' } };
    bn.note = `${c.headerEn}${c.required ? ' (required)' : ' (optional)'}\n${c.description}`;
    sheet.getRow(2).getCell(i + 1).font = { italic: true, color: { argb: 'FF595959' } };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** "15/07/2025" → a UTC-midnight Date, which exceljs stores as that calendar day. */
function exampleDate(ddmmyyyy: string): Date {
  const [d, m, y] = ddmmyyyy.split('/').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}
