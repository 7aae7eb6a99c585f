// The API's loan answers as the pages use them.
export type { Decision, LoanView, NextTimer } from '$domain/types';

export interface Loan {
  id: string;
  code: string;
  borrowerId: string;
  borrowerName: string;
  societyId: string;
  officeId: string;
  productCode: string;
  principalPoisha: number;
  totalOwedPoisha: number | null;
  paidPoisha: number;
  status: string;
  disbursedAt: string;
  ruleSetVersion: string | null;
}

export interface Installment {
  seq: number;
  dueDate: string;
  dueAt: string;
  amountPoisha: number;
  paidPoisha: number;
  status: string;
  paidAt: string | null;
  lateByMs: number | null;
}

export interface LoanEvent {
  id: number;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: string;
  ruleKind: string | null;
  ruleName: string | null;
  ruleVersion: string | null;
  facts: unknown;
  detail: unknown;
  occurredAt: string;
}

export interface Payment {
  id: string;
  trxId: string;
  provider: string;
  amountPoisha: number;
  paidAt: string;
  status: string;
  late: boolean | null;
  excessPoisha: number;
  recordedBy: string;
}
