// Correction requests: the only way data is changed after the fact, and the only way a higher
// office changes a subordinate office's data. Types shared by the workflow, activities and API.
import type { EpochMs, RuleRef } from './types';

export type OfficeLevel = 'upazila' | 'district' | 'division' | 'hq';
export type ApproverRole = 'upazila_officer' | 'district_officer' | 'divisional_officer' | 'hq_admin';

export interface CorrectionChainPolicy {
  steps: { role: ApproverRole; level: OfficeLevel }[];
  stepTimeoutMs: number;
  remindBeforeMs: number;
  onTimeout: 'escalate' | 'remind';
  rule: RuleRef;
}

export interface FieldChange {
  field: string;
  old: string | number | null;
  new: string | number | null;
}

/** One step of a request's chain, with the office resolved for this record. */
export interface ChainStep {
  role: ApproverRole;
  officeId: string;
  level: OfficeLevel;
}

export interface CorrectionInput {
  requestId: string;
  recordKind: 'borrower' | 'loan';
  recordId: string;
  /** The record's own (upazila) office. */
  officeId: string;
  changes: FieldChange[];
  reason: string;
  requestedBy: string;
  /** The requester's role and office: no step ever waits for them. */
  requester: { role: string; officeId: string } | null;
  chain: ChainStep[];
  /** Offices above the record's, upazila first: used to escalate a step that waits too long. */
  escalationPath: { role: ApproverRole; officeId: string; level: OfficeLevel }[];
  policy: CorrectionChainPolicy;
}

export type CorrectionStatus = 'pending' | 'returned' | 'approved' | 'applied' | 'rejected' | 'conflict' | 'withdrawn';

export interface CorrectionDecision {
  step: number;
  by: string;
  decision: 'requested' | 'approve' | 'reject' | 'return' | 'escalated' | 'revised' | 'withdrawn' | 'applied' | 'conflict';
  comment: string;
  at: EpochMs;
}

export interface DecideRequest {
  by: string;
  role: string;
  officeId: string;
  decision: 'approve' | 'reject' | 'return';
  comment: string;
}

export interface CorrectionView {
  requestId: string;
  status: CorrectionStatus;
  step: number;
  awaiting: ChainStep | null;
  stepDeadline: EpochMs | null;
  changes: FieldChange[];
  decisions: CorrectionDecision[];
  outcome: string | null;
}
