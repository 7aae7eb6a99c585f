// Types shared by workflows, activities, the API and tests. Money is always integer poisha
// (1 taka = 100 poisha); instants are epoch milliseconds; calendar dates are Asia/Dhaka
// `YYYY-MM-DD` strings.

export type Poisha = number;
export type EpochMs = number;
export type DhakaDate = string;

export type FrequencyUnit = 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second';

export interface LoanProduct {
  code: string;
  nameBn: string;
  nameEn: string;
  minPrincipalPoisha: Poisha;
  maxPrincipalPoisha: Poisha;
  /** Service charge in basis points of the principal (500 = 5%). Integer, never a float. */
  serviceChargeBps: number;
  installmentCount: number;
  frequency: { every: number; unit: FrequencyUnit };
}

export type BusinessDayShift = 'next' | 'previous' | 'none';

export type LateAcceptance = 'accept' | 'accept_late' | 'hold';

export interface ReminderOffset {
  name: string;
  beforeMs: number;
}

export interface RuleRef {
  /** Policy file kind, e.g. "grace". */
  kind: string;
  /** The rule inside the file that decided. */
  rule: string;
  /** `label+hash` of the file that held the rule. */
  version: string;
}

/** Everything the loan workflow needs from policy, resolved once at disbursement and pinned. */
export interface ResolvedPolicy {
  product: LoanProduct;
  deadline: {
    /** Day of month installments fall due (month/week/day units). Clamped to the month's end. */
    dueDayOfMonth: number | null;
    /** Local Dhaka time of day the deadline closes, `HH:MM`. */
    closesAt: string;
    weekendDays: number[];
    shift: BusinessDayShift;
    holidays: DhakaDate[];
  };
  reminders: ReminderOffset[];
  graceMs: number;
  lateAcceptance: LateAcceptance;
  /** How often a loan with overdue money is re-examined by the default rules. */
  reviewEveryMs: number;
  refs: {
    product: RuleRef;
    deadline: RuleRef;
    reminders: RuleRef;
    grace: RuleRef;
    lateAcceptance: RuleRef;
  };
  /** Combined version of every policy file in force when this policy was resolved. */
  ruleSetVersion: string;
}

export interface ScheduledInstallment {
  seq: number;
  dueDate: DhakaDate;
  dueAt: EpochMs;
  amountPoisha: Poisha;
}

export type InstallmentStatus = 'pending' | 'in_grace' | 'overdue' | 'paid';

export interface InstallmentState extends ScheduledInstallment {
  paidPoisha: Poisha;
  status: InstallmentStatus;
  paidAt: EpochMs | null;
  /** Milliseconds past the deadline when it was finally paid; 0 when on time. */
  lateByMs: number | null;
  remindersSent: string[];
}

export type LoanStatus =
  | 'disbursing'
  | 'active'
  | 'in_grace'
  | 'overdue'
  | 'defaulted'
  | 'blacklisted'
  | 'closed'
  | 'settled'
  | 'written_off'
  | 'cancelled';

export const TERMINAL_STATUSES: readonly LoanStatus[] = ['closed', 'settled', 'written_off', 'cancelled'];

export interface LoanFacts {
  loanId: string;
  districtCode: string;
  upazilaCode: string;
  productCode: string;
}

export interface LoanInput extends LoanFacts {
  loanCode: string;
  borrowerId: string;
  principalPoisha: Poisha;
  disbursedAt: EpochMs;
  disbursedBy: string;
  /**
   * Payments made before the loan entered Asrayon (a paper ledger being migrated). The workflow
   * replays them in time order among its own timers, so an installment paid on time on paper
   * never passes through grace here.
   */
  priorPayments?: PaymentInput[];
}

export interface Allocation {
  seq: number;
  amountPoisha: Poisha;
}

export interface PaymentInput {
  /** The loan the payer meant; checked against the workflow that receives it. */
  loanId: string;
  trxId: string;
  amountPoisha: Poisha;
  /** When the payer paid (from the provider); lateness is judged on this, not on arrival. */
  paidAt: EpochMs;
  provider: 'bkash' | 'cash' | 'bank';
  /** Who or what delivered the payment: a user id, or e.g. "bkash-webhook". */
  recordedBy: string;
  payerMsisdn?: string;
  reference?: string;
}

export type PaymentOutcome = 'applied' | 'held';

export interface PaymentResult {
  trxId: string;
  outcome: PaymentOutcome;
  duplicate: boolean;
  allocations: Allocation[];
  excessPoisha: Poisha;
  late: boolean;
  statusAfter: LoanStatus;
}

export interface Decision {
  at: EpochMs;
  from: LoanStatus;
  to: LoanStatus;
  reason: string;
  rule: RuleRef | null;
  facts: Record<string, unknown>;
  actor: string;
}

export interface NextTimer {
  at: EpochMs;
  kind: 'reminder' | 'deadline' | 'grace_end' | 'review';
  seq: number | null;
  why: string;
}

export interface LoanView {
  loanId: string;
  loanCode: string;
  status: LoanStatus;
  ruleSetVersion: string | null;
  totalOwedPoisha: Poisha;
  paidPoisha: Poisha;
  outstandingPoisha: Poisha;
  overduePoisha: Poisha;
  creditPoisha: Poisha;
  heldPoisha: Poisha;
  nextDeadline: { seq: number; dueAt: EpochMs; dueDate: DhakaDate; remainingPoisha: Poisha } | null;
  nextTimer: NextTimer | null;
  installments: InstallmentState[];
  decisions: Decision[];
  runsSoFar: number;
  /** Changes not yet written through to PostgreSQL (0 when the database has caught up). */
  pendingWrites: number;
}

export interface CloseRequest {
  kind: 'write_off' | 'cancel';
  reason: string;
  by: string;
}

export interface HeldPaymentDecision {
  trxId: string;
  accept: boolean;
  by: string;
  note: string;
}

/** One SMS a loan sends besides reminders (schedule, receipt, warnings, blacklist notice); one outbox row. */
export interface LoanMessage {
  loanId: string;
  loanCode: string;
  borrowerId: string;
  template: 'loan_schedule' | 'payment_receipt' | 'grace_warning' | 'default_warning' | 'blacklist_notice';
  /** Unique for this loan and template (e.g. the trxId of a receipt, the installment of a warning). */
  key: string;
  at: number;
  amountPoisha: number;
  totalPoisha?: number;
  balancePoisha?: number;
  count?: number;
  date?: string;
}

/** One persisted change of a loan: written by the workflow through an idempotent activity. */
export interface LoanEventRecord {
  loanId: string;
  /** Unique per loan; a retried write with the same key changes nothing. */
  key: string;
  /** Monotonic per loan; older snapshots never overwrite newer ones. */
  version: number;
  kind: 'status' | 'installment' | 'payment' | 'payment_held' | 'held_decided' | 'review' | 'closed' | 'amended';
  at: EpochMs;
  actor: string;
  from: LoanStatus | null;
  to: LoanStatus | null;
  rule: RuleRef | null;
  ruleSetVersion: string | null;
  facts: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  snapshot: {
    status: LoanStatus;
    paidPoisha: Poisha;
    creditPoisha: Poisha;
    installments: Pick<InstallmentState, 'seq' | 'dueDate' | 'dueAt' | 'status' | 'amountPoisha' | 'paidPoisha' | 'paidAt' | 'lateByMs'>[];
    /** Installments dropped by a correction of the number of installments. */
    removedSeqs?: number[];
  };
  /** Set when the amount owed changed (a principal correction). */
  amounts: { principalPoisha: Poisha; serviceChargePoisha: Poisha; totalOwedPoisha: Poisha } | null;
  payment: (PaymentInput & { outcome: 'applied' | 'held' | 'refunded'; allocations: Allocation[]; excessPoisha: Poisha; late: boolean }) | null;
  blacklist: 'list' | 'settle' | null;
  closedReason: string | null;
  /** The SMS this change sends, queued in the same transaction as the change (absent: none). */
  messages?: LoanMessage[];
}

export interface ReminderRequest {
  loanId: string;
  loanCode: string;
  borrowerId: string;
  seq: number;
  reminder: string;
  dueAt: EpochMs;
  dueDate: DhakaDate;
  amountDuePoisha: Poisha;
  at: EpochMs;
}

export interface AmendRequest {
  /** The correction request that approved the change; the same request amends once. */
  requestId: string;
  principalPoisha?: Poisha;
  installmentCount?: number;
  by: string;
}
