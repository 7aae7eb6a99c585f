// Facts used to dry-run policy files when they are loaded. Every fact a rule may name must appear
// here, so a misspelt fact name fails at load time instead of at a loan's deadline.

export const RESOLUTION_SAMPLE_FACTS: Record<string, unknown>[] = [
  { districtCode: 'SAMPLE-DISTRICT', upazilaCode: 'SAMPLE-UPAZILA', productCode: 'SAMPLE-PRODUCT' },
];

const base = {
  districtCode: 'SAMPLE-DISTRICT',
  upazilaCode: 'SAMPLE-UPAZILA',
  productCode: 'SAMPLE-PRODUCT',
  status: 'overdue',
  latePaymentCount: 0,
};

export const DEFAULT_SAMPLE_FACTS: Record<string, unknown>[] = [
  { ...base, missedInstallments: 0, daysPastDue: 0, msPastDue: 0, overdueAmountPoisha: 0, outstandingPoisha: 0 },
  { ...base, missedInstallments: 12, daysPastDue: 400, msPastDue: 400 * 86_400_000, overdueAmountPoisha: 5_000_000, outstandingPoisha: 5_000_000, latePaymentCount: 5 },
];

export const CORRECTION_SAMPLE_FACTS: Record<string, unknown>[] = [
  { recordKind: 'borrower', fields: ['name'], districtCode: 'SAMPLE-DISTRICT', upazilaCode: 'SAMPLE-UPAZILA', affectsMoney: false },
  { recordKind: 'loan', fields: ['principalPoisha'], districtCode: 'SAMPLE-DISTRICT', upazilaCode: 'SAMPLE-UPAZILA', affectsMoney: true },
];

/** A society's register facts, for the rules that call it active or inactive (rules/notices.json). */
export const SOCIETY_SAMPLE_FACTS: Record<string, unknown>[] = [
  { monthsSinceAgm: 3, monthsSinceAudit: 6, electionOverdueDays: 0, leaders: 2 },
  { monthsSinceAgm: 40, monthsSinceAudit: 40, electionOverdueDays: 500, leaders: 0 },
];
