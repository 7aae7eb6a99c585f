// Each exportable report as a Table, built from the very JSON its endpoint answers, so a file
// always carries the same numbers as the screen. Totals come from the JSON (summed in SQL).
import { bnDate, bnDigits } from '../../domain/bengali';
import { toDhakaDate } from '../../domain/dhaka-time';
import { LOAN_STATUSES, type CollectionReportBody, type InstallmentsDueBody } from '../routes/reports';
import { REPORT_TITLE, statusLabel, TOTAL_LABEL } from './labels';
import type { Column, Lang, Row, Table } from './table';

export type ReportName = keyof typeof REPORT_TITLE;

/** Display names for ids the JSON carries bare. */
export interface Names {
  offices: Map<string, { bn: string; en: string }>;
  societies: Map<string, { bn: string; en: string }>;
  loanCodes: Map<string, string>;
}

export interface DefaultersBody {
  asOf: string;
  items: { loanId: string; code: string; borrowerName: string; officeId: string; societyId: string; status: string; unpaidDuePoisha: number; outstandingPoisha: number }[];
  totalUnpaidDuePoisha: number;
}

export interface BlacklistBody {
  items: { borrowerId: string; borrowerName: string; loanId: string; officeId: string; listedAt: string; ruleName: string; ruleVersion: string; settledAt: string | null }[];
}

interface Place {
  id: string;
  bn: string;
  en: string;
}

const col = (key: string, bn: string, en: string, kind: Column['kind'] = 'text'): Column => ({ key, bn, en, kind });

function title(report: ReportName, office: Place, when: { bn: string; en: string }, lang: Lang): string {
  return `${REPORT_TITLE[report][lang]} — ${office[lang]} (${office.id}) — ${when[lang]}`;
}

function periodText(from: string, to: string) {
  return { bn: `${bnDate(from)} থেকে ${bnDate(to)}`, en: `${from} to ${to}` };
}

/** An instant as Dhaka wall-clock text, "2026-08-31 17:30". */
export function dhakaDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return `${toDhakaDate(ms)} ${new Date(ms + 6 * 3_600_000).toISOString().slice(11, 16)}`;
}

const nameOf = (map: Map<string, { bn: string; en: string }>, id: string, lang: Lang) => map.get(id)?.[lang] ?? id;

export function collectionTable(r: CollectionReportBody, lang: Lang): Table {
  const columns = [
    col('id', 'অফিস/সমিতির আইডি', 'Office/society ID'),
    col('name', 'নাম', 'Name'),
    col('loansDisbursed', 'বিতরণকৃত ঋণ (সংখ্যা)', 'Loans disbursed', 'count'),
    col('amountDisbursed', 'বিতরণকৃত অর্থ (টাকা)', 'Amount disbursed (Tk)', 'money'),
    col('due', 'মেয়াদে প্রদেয় কিস্তি (টাকা)', 'Due in period (Tk)', 'money'),
    col('collected', 'মেয়াদে আদায় (টাকা)', 'Collected in period (Tk)', 'money'),
    col('collectedOfDue', 'প্রদেয় কিস্তির আদায় (টাকা)', 'Collected of due (Tk)', 'money'),
    col('overdue', 'বকেয়া (টাকা)', 'Overdue (Tk)', 'money'),
    col('rate', 'আদায়ের হার (%)', 'Collection rate (%)', 'bps'),
    ...LOAN_STATUSES.map((s) => col(`status_${s}`, `ঋণ: ${statusLabel(s, 'bn')}`, `Loans: ${statusLabel(s, 'en')}`, 'count')),
  ];
  const figureCells = (f: CollectionReportBody['totals']): Row => ({
    loansDisbursed: f.loansDisbursed,
    amountDisbursed: f.amountDisbursedPoisha,
    due: f.duePoisha,
    collected: f.collectedPoisha,
    collectedOfDue: f.collectedOfDuePoisha,
    overdue: f.overduePoisha,
    rate: f.collectionRateBps,
    ...Object.fromEntries(LOAN_STATUSES.map((s) => [`status_${s}`, f.loansByStatus[s] ?? 0])),
  });
  return {
    sheet: REPORT_TITLE.collection.en,
    title: title('collection', { id: r.office.id, bn: r.office.nameBn, en: r.office.nameEn }, periodText(r.period.from, r.period.to), lang),
    columns,
    rows: r.children.map((c) => ({ id: c.office.id, name: lang === 'bn' ? c.office.nameBn : c.office.nameEn, ...figureCells(c.figures) })),
    totals: { id: TOTAL_LABEL[lang], name: '', ...figureCells(r.totals) },
  };
}

export function installmentsDueTable(r: InstallmentsDueBody, lang: Lang): Table {
  return {
    sheet: REPORT_TITLE['installments-due'].en,
    title: title('installments-due', { id: r.office.id, bn: r.office.nameBn, en: r.office.nameEn }, periodText(r.period.from, r.period.to), lang),
    columns: [
      col('loanCode', 'ঋণ কোড', 'Loan code'),
      col('borrowerName', 'ঋণগ্রহীতার নাম', 'Borrower'),
      col('societyId', 'সমিতির আইডি', 'Society ID'),
      col('society', 'সমিতি', 'Society'),
      col('seq', 'কিস্তি নং', 'Installment no.', 'count'),
      col('dueDate', 'নির্ধারিত তারিখ', 'Due date'),
      col('amount', 'কিস্তির পরিমাণ (টাকা)', 'Amount (Tk)', 'money'),
      col('paid', 'পরিশোধিত (টাকা)', 'Paid (Tk)', 'money'),
      col('status', 'অবস্থা', 'Status'),
    ],
    rows: r.items.map((i) => ({
      loanCode: i.loanCode, borrowerName: i.borrowerName, societyId: i.societyId, society: lang === 'bn' ? i.societyNameBn : i.societyNameEn,
      seq: i.seq, dueDate: i.dueDate, amount: i.amountPoisha, paid: i.paidPoisha, status: statusLabel(i.status, lang),
    })),
    totals: { loanCode: TOTAL_LABEL[lang], seq: null, amount: r.totals.amountPoisha, paid: r.totals.paidPoisha },
  };
}

export function defaultersTable(r: DefaultersBody, office: Place, names: Names, lang: Lang): Table {
  const asOf = dhakaDateTime(r.asOf);
  return {
    sheet: REPORT_TITLE.defaulters.en,
    title: title('defaulters', office, { bn: `${bnDate(asOf.slice(0, 10))} ${bnDigits(asOf.slice(11))} পর্যন্ত`, en: `as of ${asOf} (Dhaka)` }, lang),
    columns: [
      col('loanCode', 'ঋণ কোড', 'Loan code'),
      col('borrowerName', 'ঋণগ্রহীতার নাম', 'Borrower'),
      col('officeId', 'অফিসের আইডি', 'Office ID'),
      col('office', 'অফিস', 'Office'),
      col('societyId', 'সমিতির আইডি', 'Society ID'),
      col('society', 'সমিতি', 'Society'),
      col('status', 'অবস্থা', 'Status'),
      col('unpaidDue', 'অপরিশোধিত প্রদেয় কিস্তি (টাকা)', 'Unpaid due (Tk)', 'money'),
      col('outstanding', 'মোট অপরিশোধিত (টাকা)', 'Outstanding (Tk)', 'money'),
    ],
    rows: r.items.map((i) => ({
      loanCode: i.code, borrowerName: i.borrowerName, officeId: i.officeId, office: nameOf(names.offices, i.officeId, lang),
      societyId: i.societyId, society: nameOf(names.societies, i.societyId, lang), status: statusLabel(i.status, lang),
      unpaidDue: i.unpaidDuePoisha, outstanding: i.outstandingPoisha,
    })),
    totals: { loanCode: TOTAL_LABEL[lang], unpaidDue: r.totalUnpaidDuePoisha },
  };
}

export function blacklistTable(r: BlacklistBody, office: Place, names: Names, today: string, lang: Lang): Table {
  return {
    sheet: REPORT_TITLE.blacklist.en,
    title: title('blacklist', office, { bn: `${bnDate(today)} পর্যন্ত`, en: `as of ${today}` }, lang),
    columns: [
      col('borrowerName', 'ঋণগ্রহীতার নাম', 'Borrower'),
      col('loanCode', 'ঋণ কোড', 'Loan code'),
      col('officeId', 'অফিসের আইডি', 'Office ID'),
      col('office', 'অফিস', 'Office'),
      col('listedAt', 'তালিকাভুক্তির সময়', 'Listed at (Dhaka)'),
      col('ruleName', 'নিয়ম', 'Rule'),
      col('ruleVersion', 'নিয়মের সংস্করণ', 'Rule version'),
      col('settledAt', 'নিষ্পত্তির সময়', 'Settled at (Dhaka)'),
    ],
    rows: r.items.map((i) => ({
      borrowerName: i.borrowerName, loanCode: names.loanCodes.get(i.loanId) ?? i.loanId, officeId: i.officeId,
      office: nameOf(names.offices, i.officeId, lang), listedAt: dhakaDateTime(i.listedAt), ruleName: i.ruleName,
      ruleVersion: i.ruleVersion, settledAt: i.settledAt ? dhakaDateTime(i.settledAt) : null,
    })),
  };
}
