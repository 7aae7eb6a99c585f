// The network's year-end evaluation as a printable Bengali page: the TCV figures (time, cost, visits)
// with the paper baseline beside each, enrolment against the targets per upazila, the latest
// quarterly active/inactive counts, and a signature line — the report sent to the divisional office.
import { bnDate, bnDigits } from '../../domain/bengali';
import { formatTaka } from '../../domain/money';
import { embeddedFontCss } from './pdf';

export interface EvaluationFigures {
  officeName: string;
  from: string;
  to: string;
  preparedOn: string;
  tcv: {
    notices: { notices: number; messages: number; reached: number; societiesReached: number; medianHoursToReach: number | null; costPoisha: number; costPerMessagePoisha: number | null; paperCostPoisha: number; tripsAvoided: number; paperHoursToReach: number };
    loans: { bkashPayments: number; societiesPayingByBkash: number; collectionTripsAvoided: number; collectionCostSavedPoisha: number };
  };
  baseline: { paperCostPerSocietyPoisha: number; paperTripsPerSociety: number; collectionTripsPerSocietyPerYear: number; collectionCostPerSocietyPerYearPoisha: number };
  targets: { nameBn: string; target: number; enrolled: number }[];
  quarterly: { nameBn: string; quarter: string; active: number; inactive: number }[];
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const n = (x: number): string => bnDigits(String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
const dec = (x: number): string => bnDigits(x.toFixed(1).replace(/\.0$/, ''));
const tk = (p: number): string => formatTaka(Math.round(p));
const ORDINAL = ['১ম', '২য়', '৩য়', '৪র্থ'];
/** "2026-Q4" → "২০২৬ সালের ৪র্থ ত্রৈমাসিক". */
const quarterBn = (q: string): string => {
  const [year, nth] = q.split('-Q');
  return `${bnDigits(year ?? q)} সালের ${ORDINAL[Number(nth) - 1] ?? nth} ত্রৈমাসিক`;
};

function rows(cells: string[][]): string {
  return cells.map(([what, now, before]) => `<tr><th scope="row">${what}</th><td class="n">${now}</td><td class="n b">${before}</td></tr>`).join('\n');
}

export function evaluationHtml(f: EvaluationFigures): string {
  const { notices: t, loans: l } = f.tcv;
  const b = f.baseline;
  const saved = Math.max(t.paperCostPoisha - t.costPoisha, 0);
  const noticeRows = rows([
    ['পাঠানো নোটিশ', n(t.notices), '—'],
    ['বার্তা পৌঁছেছে (প্রাপকের কাছে)', `${n(t.reached)} / ${n(t.messages)}`, '—'],
    ['যে সমিতিতে পৌঁছেছে', n(t.societiesReached), '—'],
    ['পৌঁছাতে সময় (মধ্যমা)', t.medianHoursToReach === null ? '—' : `${dec(t.medianHoursToReach)} ঘণ্টা`, `${n(t.paperHoursToReach)} ঘণ্টা`],
    ['মোট খরচ', tk(t.costPoisha), tk(t.paperCostPoisha)],
    ['প্রতি বার্তার খরচ', t.costPerMessagePoisha === null ? '—' : tk(t.costPerMessagePoisha), `প্রতি সমিতিতে ${tk(b.paperCostPerSocietyPoisha)}`],
    ['খরচ বাঁচল', tk(saved), '—'],
    ['যাতায়াত', n(0), `${dec(t.tripsAvoided)} (প্রতি সমিতিতে ${dec(b.paperTripsPerSociety)})`],
  ]);
  const loanRows = rows([
    ['বিকাশে পরিশোধ (কিস্তি)', n(l.bkashPayments), 'নগদে, মাঠে গিয়ে আদায়'],
    ['বিকাশে পরিশোধকারী সমিতি', n(l.societiesPayingByBkash), '—'],
    ['আদায়ের যাতায়াত', n(0), `${dec(l.collectionTripsAvoided)} (সমিতিপ্রতি বছরে ${dec(b.collectionTripsPerSocietyPerYear)})`],
    ['আদায়ের খরচ', tk(0), `${tk(l.collectionCostSavedPoisha)} (সমিতিপ্রতি বছরে ${tk(b.collectionCostPerSocietyPerYearPoisha)})`],
  ]);
  const targetRows = f.targets.length
    ? f.targets.map((u) => `<tr><th scope="row">${escape(u.nameBn)}</th><td class="n">${n(u.target)}</td><td class="n">${n(u.enrolled)}</td><td class="n">${u.target ? `${bnDigits(Math.round((u.enrolled / u.target) * 100))}%` : '—'}</td></tr>`).join('\n')
    : '<tr><td colspan="4" class="e">এই সময়ে কোনো লক্ষ্য ঠিক করা নেই।</td></tr>';
  const total = f.targets.reduce((s, u) => ({ target: s.target + u.target, enrolled: s.enrolled + u.enrolled }), { target: 0, enrolled: 0 });
  const quarterRows = f.quarterly.length
    ? f.quarterly.map((q) => `<tr><th scope="row">${escape(q.nameBn)}</th><td>${quarterBn(q.quarter)}</td><td class="n">${n(q.active)}</td><td class="n">${n(q.inactive)}</td></tr>`).join('\n')
    : '<tr><td colspan="4" class="e">এখনো কোনো ত্রৈমাসিক তালিকা তৈরি হয়নি।</td></tr>';

  return `<!doctype html><html lang="bn"><head><meta charset="utf-8"><title>যোগাযোগ নেটওয়ার্কের মূল্যায়ন</title><style>
${embeddedFontCss()}
body{font-family:'Noto Sans Bengali',sans-serif;font-size:10pt;color:#111;margin:0;line-height:1.45}
h1{font-size:14pt;margin:0 0 1mm} h2{font-size:11.5pt;margin:4.5mm 0 1.5mm}
.meta{display:flex;justify-content:space-between;flex-wrap:wrap;gap:2mm 6mm;margin-bottom:3mm;font-size:9.5pt}
p.note{font-size:9pt;color:#444;margin:1.5mm 0 0}
table{border-collapse:collapse;width:100%}
th,td{border:0.6pt solid #777;padding:0.9mm 2mm;vertical-align:top;text-align:left}
thead th{background:#e8f1ed;font-weight:700} tbody th{font-weight:400}
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.b{color:#333;background:#f7f7f4} td.e{text-align:center;color:#555}
tfoot td,tfoot th{font-weight:700;background:#f4f6f5}
tr,table{page-break-inside:avoid}
.sign{margin-top:14mm;display:flex;justify-content:flex-end;page-break-inside:avoid}
.sign div{width:70mm;text-align:center;border-top:0.8pt solid #111;padding-top:2mm;line-height:1.6}
</style></head><body>
<h1>সমবায় যোগাযোগ নেটওয়ার্ক: মূল্যায়ন প্রতিবেদন</h1>
<div class="meta"><span>অফিস: ${escape(f.officeName)}</span><span>সময়কাল: ${bnDate(f.from)} – ${bnDate(f.to)}</span><span>প্রস্তুতের তারিখ: ${escape(f.preparedOn)}</span></div>

<h2>১. তথ্য পৌঁছানো: সময়, খরচ, যাতায়াত</h2>
<table><thead><tr><th>মাপকাঠি</th><th class="n">এখন (নেটওয়ার্কে)</th><th class="n">আগে (কাগজে)</th></tr></thead><tbody>
${noticeRows}
</tbody></table>
<p class="note">আগের হিসাব সমবায় অধিদপ্তরের প্রস্তাব থেকে: প্রতি সমিতিতে একটি নোটিশ পৌঁছাতে ৳২০০–৩০০ ও ১–২ দিন লাগত; নিয়ম ফাইলের মূল্যায়ন অংশে এর মান ঠিক করা।</p>

<h2>২. ঋণ আদায়: যাতায়াত ও খরচ</h2>
<table><thead><tr><th>মাপকাঠি</th><th class="n">এখন (বিকাশে)</th><th class="n">আগে (মাঠে গিয়ে)</th></tr></thead><tbody>
${loanRows}
</tbody></table>

<h2>৩. সদস্য অন্তর্ভুক্তি: লক্ষ্য ও অর্জন</h2>
<table><thead><tr><th>উপজেলা</th><th class="n">লক্ষ্য</th><th class="n">অন্তর্ভুক্ত</th><th class="n">অর্জন</th></tr></thead><tbody>
${targetRows}
</tbody><tfoot><tr><th>মোট</th><td class="n">${n(total.target)}</td><td class="n">${n(total.enrolled)}</td><td class="n">${total.target ? `${bnDigits(Math.round((total.enrolled / total.target) * 100))}%` : '—'}</td></tr></tfoot></table>

<h2>৪. সর্বশেষ ত্রৈমাসিক তালিকা: কার্যকর ও অকার্যকর সমিতি</h2>
<table><thead><tr><th>উপজেলা</th><th>ত্রৈমাসিক</th><th class="n">কার্যকর</th><th class="n">অকার্যকর</th></tr></thead><tbody>
${quarterRows}
</tbody></table>

<div class="sign"><div>স্বাক্ষর<br>নাম ও পদবি<br>তারিখ</div></div>
</body></html>`;
}
