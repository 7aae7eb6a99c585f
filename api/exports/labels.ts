// Words the exports show for codes: loan and installment statuses, and report names.
import type { Lang } from './table';

const STATUS: Record<string, { bn: string; en: string }> = {
  disbursing: { bn: 'বিতরণ চলছে', en: 'Disbursing' },
  active: { bn: 'চলমান', en: 'Active' },
  in_grace: { bn: 'অতিরিক্ত সময়ে', en: 'In grace' },
  overdue: { bn: 'মেয়াদোত্তীর্ণ', en: 'Overdue' },
  defaulted: { bn: 'খেলাপি', en: 'Defaulted' },
  blacklisted: { bn: 'কালো তালিকাভুক্ত', en: 'Blacklisted' },
  closed: { bn: 'পরিশোধিত', en: 'Closed' },
  settled: { bn: 'নিষ্পত্তি', en: 'Settled' },
  written_off: { bn: 'অবলোপন', en: 'Written off' },
  cancelled: { bn: 'বাতিল', en: 'Cancelled' },
  // installment statuses
  pending: { bn: 'অপরিশোধিত', en: 'Pending' },
  paid: { bn: 'পরিশোধিত', en: 'Paid' },
};

export function statusLabel(status: string, lang: Lang): string {
  return STATUS[status]?.[lang] ?? status;
}

export const REPORT_TITLE = {
  collection: { bn: 'আদায় প্রতিবেদন', en: 'Collection report' },
  'installments-due': { bn: 'প্রদেয় কিস্তির তালিকা', en: 'Installments due' },
  defaulters: { bn: 'খেলাপি ঋণগ্রহীতার তালিকা', en: 'Defaulters' },
  blacklist: { bn: 'কালো তালিকা', en: 'Blacklist' },
} as const;

export const TOTAL_LABEL = { bn: 'মোট', en: 'Total' } as const;
