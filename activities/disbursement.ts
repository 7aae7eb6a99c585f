import { ApplicationFailure } from '@temporalio/activity';
import { scheduleMessage } from '../domain/loan-changes';
import { checkPrincipal, generateSchedule, type Schedule } from '../domain/schedule';
import type { LoanInput, ResolvedPolicy } from '../domain/types';
import { PolicyResolutionError, resolvePolicy } from '../policy/resolve-policy';
import type { ActivityDeps } from '.';
import { insertLoanMessages } from './loan-messages';
import { rememberRuleVersions } from './rule-versions';

interface InstallmentRow {
  seq: number;
  due_date: Date | string;
  due_at: Date;
  amount_poisha: number;
}

function scheduleFromRows(rows: InstallmentRow[], serviceCharge: number, total: number): Schedule {
  return {
    serviceChargePoisha: serviceCharge,
    totalOwedPoisha: total,
    installments: rows.map((r) => ({
      seq: r.seq,
      dueDate: typeof r.due_date === 'string' ? r.due_date : r.due_date.toISOString().slice(0, 10),
      dueAt: r.due_at.getTime(),
      amountPoisha: r.amount_poisha,
    })),
  };
}

export function createDisbursementActivities({ sql, policy }: ActivityDeps) {
  return {
    /**
     * Resolves and pins the loan's policy, generates its schedule and stores both. Idempotent: a
     * retry after a successful write returns what was stored, even if the policy changed since.
     * With `scheduleMessage`, the schedule SMS is queued in the same transaction (workflows from
     * patch `loan-messages-in-events` on; before it the workflow queued it in its own activity).
     */
    async recordDisbursement(input: LoanInput, opts: { scheduleMessage?: boolean } = {}): Promise<{ policy: ResolvedPolicy; schedule: Schedule }> {
      const [existing] = await sql<{ policy: ResolvedPolicy | null; service_charge_poisha: number; total_owed_poisha: number }[]>`
        SELECT policy, service_charge_poisha, total_owed_poisha FROM loans WHERE id = ${input.loanId}`;
      if (!existing) throw ApplicationFailure.create({ type: 'LoanNotFound', message: `loan ${input.loanId} is not in the database`, nonRetryable: true });
      if (existing.policy) {
        const rows = await sql<InstallmentRow[]>`
          SELECT seq, due_date::text AS due_date, due_at, amount_poisha FROM installments WHERE loan_id = ${input.loanId} ORDER BY seq`;
        return { policy: existing.policy, schedule: scheduleFromRows(rows, existing.service_charge_poisha, existing.total_owed_poisha) };
      }

      const set = await policy.get();
      let resolved: ResolvedPolicy;
      try {
        resolved = await resolvePolicy(set, input);
      } catch (err) {
        if (err instanceof PolicyResolutionError) throw ApplicationFailure.create({ type: 'UnknownProduct', message: err.message, nonRetryable: true });
        throw err;
      }
      const problem = checkPrincipal(input.principalPoisha, resolved);
      if (problem) throw ApplicationFailure.create({ type: 'PrincipalOutOfRange', message: problem, nonRetryable: true });
      const schedule = generateSchedule(input.principalPoisha, input.disbursedAt, resolved);
      await rememberRuleVersions(sql, Object.values(set.files));

      await sql.begin(async (tx) => {
        const [listed] = await tx`
          SELECT 1 FROM blacklist WHERE borrower_id = ${input.borrowerId} AND settled_at IS NULL AND loan_id <> ${input.loanId} LIMIT 1`;
        if (listed) {
          throw ApplicationFailure.create({ type: 'BorrowerBlacklisted', message: 'the borrower is blacklisted as a defaulter and barred from new loans', nonRetryable: true });
        }
        const rows = schedule.installments.map((i) => ({
          loan_id: input.loanId,
          seq: i.seq,
          due_date: i.dueDate,
          due_at: new Date(i.dueAt),
          amount_poisha: i.amountPoisha,
        }));
        await tx`INSERT INTO installments ${tx(rows)} ON CONFLICT DO NOTHING`;
        await tx`
          UPDATE loans SET policy = ${tx.json(resolved as never)}, rule_set_version = ${resolved.ruleSetVersion},
            service_charge_poisha = ${schedule.serviceChargePoisha}, total_owed_poisha = ${schedule.totalOwedPoisha},
            status = 'active', status_changed_at = now()
          WHERE id = ${input.loanId}`;
        await tx`
          INSERT INTO loan_events (loan_id, event_key, kind, from_status, to_status, actor, rule_kind, rule_name, rule_version,
            rule_set_version, facts, detail, occurred_at)
          VALUES (${input.loanId}, 'disbursed', 'disbursed', 'disbursing', 'active', ${input.disbursedBy}, 'products',
            ${resolved.product.code}, ${resolved.refs.product.version}, ${resolved.ruleSetVersion},
            ${tx.json({ principalPoisha: input.principalPoisha, productCode: input.productCode, districtCode: input.districtCode, upazilaCode: input.upazilaCode })},
            ${tx.json({ serviceChargePoisha: schedule.serviceChargePoisha, totalOwedPoisha: schedule.totalOwedPoisha, refs: resolved.refs } as never)},
            ${new Date(input.disbursedAt)})
          ON CONFLICT (loan_id, event_key) DO NOTHING`;
        if (opts.scheduleMessage) await insertLoanMessages(tx, [scheduleMessage(input, schedule, Date.now())]);
      });
      return { policy: resolved, schedule };
    },
  };
}
