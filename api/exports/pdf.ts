// A table as a printable PDF: the office's name, the title, the table with Bengali (or English)
// digits and ৳ amounts, and a signature line for the officer — the monthly report that is signed
// and sent up. Laid out as HTML with Noto Sans Bengali embedded, printed by Chromium, so Bengali
// conjuncts are shaped exactly as on screen.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bnDigits } from '../../domain/bengali';
import { formatTaka } from '../../domain/money';
import { htmlToPdf } from '../../runtime/chromium';
import { header, percentText, type CellValue, type Column, type Lang, type Table } from './table';

const require = createRequire(import.meta.url);
let fontCss: string | null = null;

/** @font-face rules with the woff2 files inline (Bengali and Latin subsets, regular and bold), read once; for every printed page. */
export function embeddedFontCss(): string {
  fontCss ??= (['bengali', 'latin'] as const)
    .flatMap((subset) => ([400, 700] as const).map((weight) => ({ subset, weight })))
    .map(({ subset, weight }) => {
      const file = require.resolve(`@fontsource/noto-sans-bengali/files/noto-sans-bengali-${subset}-${weight}-normal.woff2`);
      const data = readFileSync(file).toString('base64');
      return `@font-face{font-family:'Noto Sans Bengali';font-weight:${weight};src:url(data:font/woff2;base64,${data}) format('woff2');}`;
    })
    .join('\n');
  return fontCss;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function cell(column: Column, value: CellValue, lang: Lang): string {
  if (value === null || value === '') return '';
  if (typeof value === 'number') {
    if (column.kind === 'money') return formatTaka(value, { latin: lang === 'en' });
    const text = column.kind === 'bps' ? `${percentText(value)}%` : String(value);
    return lang === 'bn' ? bnDigits(text) : text;
  }
  return value;
}

const WORDS = {
  bn: { office: 'অফিস', printed: 'প্রস্তুতের তারিখ', signature: 'স্বাক্ষর', name: 'নাম ও পদবি', date: 'তারিখ', rows: 'মোট সারি' },
  en: { office: 'Office', printed: 'Prepared on', signature: 'Signature', name: 'Name and designation', date: 'Date', rows: 'Rows' },
};

export interface PdfMeta {
  officeName: string;
  /** Dhaka date the report was prepared, already formatted for the language. */
  preparedOn: string;
}

export function tableHtml(table: Table, lang: Lang, meta: PdfMeta): string {
  const w = WORDS[lang];
  const num = (c: Column) => (c.kind === 'text' ? '' : ' class="n"');
  const body = table.rows.map((r) => `<tr>${table.columns.map((c) => `<td${num(c)}>${escape(cell(c, r[c.key] ?? null, lang))}</td>`).join('')}</tr>`).join('\n');
  const totals = table.totals
    ? `<tfoot><tr>${table.columns.map((c) => `<td${num(c)}>${escape(cell(c, table.totals![c.key] ?? null, lang))}</td>`).join('')}</tr></tfoot>`
    : '';
  const count = lang === 'bn' ? bnDigits(table.rows.length) : String(table.rows.length);
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escape(table.title)}</title><style>
${embeddedFontCss()}
body{font-family:'Noto Sans Bengali',sans-serif;font-size:10pt;color:#111;margin:0}
h1{font-size:14pt;margin:0 0 2mm}
.meta{display:flex;justify-content:space-between;margin-bottom:4mm;font-size:9.5pt}
table{border-collapse:collapse;width:100%}
th,td{border:0.6pt solid #777;padding:1.4mm 2mm;vertical-align:top}
th{background:#e8f1ed;font-weight:700;text-align:left}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
thead{display:table-header-group} tfoot td{font-weight:700;background:#f4f6f5}
tr{page-break-inside:avoid}
.sign{margin-top:18mm;display:flex;justify-content:flex-end;page-break-inside:avoid}
.sign div{width:70mm;text-align:center;border-top:0.8pt solid #111;padding-top:2mm;line-height:1.6}
</style></head><body>
<h1>${escape(table.title)}</h1>
<div class="meta"><span>${w.office}: ${escape(meta.officeName)}</span><span>${w.printed}: ${escape(meta.preparedOn)} · ${w.rows}: ${count}</span></div>
<table><thead><tr>${table.columns.map((c) => `<th${num(c)}>${escape(header(c, lang))}</th>`).join('')}</tr></thead>
<tbody>${body}</tbody>${totals}</table>
<div class="sign"><div>${w.signature}<br>${w.name}<br>${w.date}</div></div>
</body></html>`;
}

export async function toPdf(table: Table, lang: Lang, meta: PdfMeta): Promise<Buffer> {
  // Chromium draws the footer apart from the page, with a system font: digits only, no words to shape.
  const footer = '<div style="font-size:8pt;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';
  return htmlToPdf(tableHtml(table, lang, meta), { landscape: table.columns.length > 7, footer });
}
