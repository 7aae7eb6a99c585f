// An imported loan's first state, computed by the import instead of by its workflow one activity
// at a time: disbursed on the stored schedule, then the paper ledger's paid-to-date applied, with
// the same domain functions and in the same order as the workflow's first run (workflows/loan.ts).
// The import writes everything this state implies in its transaction (write-import.ts) and starts
// the workflow with it, so the workflow's first run only sets its next timer. The same facts give
// the same state: a resumed import computes it again from the stored loan (resume-import.ts).
import { disburse, duePriorPayment, loanEvent, receivePayment, scheduleMessage } from '../domain/loan-changes';
import { initialState, type LoanState } from '../domain/loan-state';
import type { Schedule } from '../domain/schedule';
import type { EpochMs, LoanEventRecord, LoanInput, LoanMessage, ResolvedPolicy } from '../domain/types';

/** What an imported loan's first state is computed from. */
export interface StateOrigin {
  policy: ResolvedPolicy;
  schedule: Schedule;
  /** When the import computed it: the time of its decisions, events and schedule SMS. */
  at: EpochMs;
}

/** A saved loan whose workflow is to be started: from its computed first state, or (origin null) from its input alone. */
export interface ImportedLoan {
  input: LoanInput;
  origin: StateOrigin | null;
}

export interface ImportedStart {
  state: LoanState;
  /** The payment events the workflow would have persisted, in order (actor: who recorded the payment, the import). */
  events: LoanEventRecord[];
  /** The schedule SMS the workflow would have queued at disbursement. */
  scheduleMessage: LoanMessage;
}

export function importedStart(input: LoanInput, { policy, schedule, at }: StateOrigin): ImportedStart {
  const state = initialState(input);
  disburse(state, policy, schedule, at);
  const message = scheduleMessage(input, state, at);
  // A prior payment that comes after the loan's first timer (never one made an hour after
  // disbursement, unless a reminder falls in that hour) stays for the workflow to apply in turn.
  const events: LoanEventRecord[] = [];
  for (let p = duePriorPayment(state); p; p = duePriorPayment(state)) {
    const { money, event } = receivePayment(state, p, at, p.recordedBy);
    events.push(loanEvent(state, event, at, new Set(money.allocations.map((a) => a.seq)), []));
  }
  return { state, events, scheduleMessage: message };
}
