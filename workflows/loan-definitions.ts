// Everything the outside world needs to talk to a loan workflow: its id, messages and argument
// types. Imported by the workflow, the API, scripts and tests alike.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LoanState } from '../domain/loan-state';
import type { AmendRequest, CloseRequest, HeldPaymentDecision, LoanInput, LoanView, PaymentInput, PaymentResult } from '../domain/types';

export const loanWorkflowId = (loanId: string): string => `loan-${loanId}`;

export interface LoanWorkflowArgs {
  input: LoanInput;
  /** Carried across continue-as-new, or computed by a bulk import (then `imported` is set). */
  state?: LoanState;
  /**
   * `state` is an imported loan's first state, computed and stored by the import
   * (import/imported-state.ts): this is the loan's first run, not a continuation.
   */
  imported?: boolean;
  /** Continue-as-new once history passes this many events (tests force it low). */
  maxHistoryEvents?: number;
}

/** A payment for this loan. Answers how the money was applied; a repeated trxId gets the first answer. */
export const payUpdate = defineUpdate<PaymentResult, [PaymentInput]>('pay');
/** Write-off or cancellation by an authorised officer, with a reason. */
export const closeUpdate = defineUpdate<LoanView, [CloseRequest]>('close');
/** An officer's decision on a payment the late-payment policy held back. */
export const decideHeldPaymentUpdate = defineUpdate<PaymentResult, [HeldPaymentDecision]>('decideHeldPayment');
/** A new principal approved through a correction request; the open installments are recomputed. */
export const amendUpdate = defineUpdate<LoanView, [AmendRequest]>('amend');
/** Current state: status, amounts, next deadline, next timer and why, decisions so far. */
export const viewQuery = defineQuery<LoanView>('view');

/** Failure types the loan activities raise that retrying cannot fix. */
export const BUSINESS_FAILURES = ['UnknownProduct', 'PrincipalOutOfRange', 'BorrowerBlacklisted', 'LoanNotFound'] as const;
