import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { amendUpdate, loanWorkflowId } from '../workflows/loan-definitions';
import type { ChainStep, CorrectionDecision, CorrectionInput, CorrectionView } from '../domain/corrections';
import { resolveCorrectionChain } from '../policy/resolve-chain';
import type { ActivityDeps } from '.';
import { rememberRuleVersions } from './rule-versions';

/** Fields whose correction changes money owed; their chain comes from the money rules. */
export const MONEY_FIELDS: readonly string[] = ['principalPoisha', 'installmentCount'];

/** Borrower fields a correction may change, and their columns. */
export const BORROWER_COLUMNS: Record<string, string> = {
  name: 'name',
  fatherOrHusbandName: 'father_or_husband_name',
  mobile: 'mobile',
  nid: 'nid',
  barrackNo: 'barrack_no',
  roomNo: 'room_no',
};

const TERMINAL = ['applied', 'rejected', 'conflict', 'withdrawn'];

export function createCorrectionActivities({ sql, temporal }: ActivityDeps) {
  /** A principal correction goes to the loan's workflow, which recomputes the open installments. */
  async function amendLoan(input: CorrectionInput): Promise<{ applied: boolean; message: string }> {
    const [loan] = await sql<{ principal_poisha: number; installments: number }[]>`
      SELECT principal_poisha, (SELECT count(*)::int FROM installments WHERE loan_id = l.id) AS installments FROM loans l WHERE id = ${input.recordId}`;
    if (!loan) return { applied: false, message: 'the loan no longer exists' };
    const [already] = await sql`SELECT 1 FROM loan_events WHERE loan_id = ${input.recordId} AND kind = 'amended' AND detail->>'requestId' = ${input.requestId}`;
    const current: Record<string, number> = { principalPoisha: loan.principal_poisha, installmentCount: loan.installments };
    if (!already) {
      for (const c of input.changes) {
        if (current[c.field] !== Number(c.old)) {
          return { applied: false, message: `${c.field} is now ${current[c.field]}, not ${c.old} as when the request was made; make a new request` };
        }
      }
    }
    const change = Object.fromEntries(input.changes.map((c) => [c.field, Number(c.new)])) as { principalPoisha?: number; installmentCount?: number };
    if (!temporal) throw new Error('the worker has no Temporal client for amending loans');
    try {
      await temporal.workflow
        .getHandle(loanWorkflowId(input.recordId))
        .executeUpdate(amendUpdate, { args: [{ requestId: input.requestId, ...change, by: `correction:${input.requestId}` }] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return { applied: false, message: `the loan refused the correction: ${(err.cause as Error | undefined)?.message ?? err.message}` };
      if (err instanceof WorkflowNotFoundError) return { applied: false, message: 'the loan is closed; its amount can no longer change' };
      throw err;
    }
    return { applied: true, message: 'applied' };
  }

  return {
    /** Writes one decision and the request's new state (status, step, who it waits for) together. */
    async recordCorrectionEvent(w: { requestId: string; key: string; decision: CorrectionDecision; detail: Record<string, unknown> | null; state: CorrectionView }): Promise<void> {
      await sql.begin(async (tx) => {
        const inserted = await tx`
          INSERT INTO correction_events (request_id, event_key, step, actor, decision, comment, detail, at)
          VALUES (${w.requestId}, ${w.key}, ${w.decision.step}, ${w.decision.by}, ${w.decision.decision}, ${w.decision.comment},
            ${w.detail ? tx.json(w.detail as never) : null}, ${new Date(w.decision.at)})
          ON CONFLICT (request_id, event_key) DO NOTHING RETURNING id`;
        if (inserted.length === 0) return;
        const s = w.state;
        await tx`
          UPDATE correction_requests SET status = ${s.status}, step = ${s.step}, changes = ${tx.json(s.changes as never)},
            awaiting_role = ${s.awaiting?.role ?? null}, awaiting_office_id = ${s.awaiting?.officeId ?? null},
            step_deadline = ${s.stepDeadline ? new Date(s.stepDeadline) : null}, outcome = ${s.outcome},
            closed_at = ${TERMINAL.includes(s.status) ? new Date(w.decision.at) : null}
          WHERE id = ${w.requestId}`;
      });
    },

    /** An in-app reminder to every officer who may decide the waiting step. */
    async notifyApprover(n: { requestId: string; step: ChainStep; deadline: number; key: string }): Promise<number> {
      const users = await sql<{ id: string }[]>`SELECT id FROM users WHERE role = ${n.step.role} AND office_id = ${n.step.officeId} AND active`;
      const body = `সংশোধনের অনুরোধ আপনার সিদ্ধান্তের অপেক্ষায়; সময়সীমা ${new Date(n.deadline).toISOString()}`;
      for (const u of users) {
        await sql`INSERT INTO outbox (idempotency_key, channel, recipient, template, params, body)
          VALUES (${`correction:${n.requestId}:${n.key}:${u.id}`}, 'in_app', ${u.id}, 'correction_reminder',
            ${sql.json({ requestId: n.requestId, deadline: n.deadline })}, ${body})
          ON CONFLICT (idempotency_key) DO NOTHING`;
      }
      return users.length;
    },

    /**
     * Applies an approved correction in one transaction, only if the record still holds the values
     * the request saw (otherwise someone else changed it meanwhile: a conflict, nothing written).
     */
    async applyCorrection(a: { input: CorrectionInput; approvers: { by: string; step: number; at: number }[] }): Promise<{ applied: boolean; message: string }> {
      const { input } = a;
      return sql.begin(async (tx) => {
        const [done] = await tx`SELECT 1 FROM record_changes WHERE request_id = ${input.requestId}`;
        if (done) return { applied: true, message: 'applied' };
        if (input.recordKind === 'loan') {
          const result = await amendLoan(input);
          if (result.applied) {
            await tx`INSERT INTO record_changes (request_id, record_kind, record_id, changes, approvers)
              VALUES (${input.requestId}, 'loan', ${input.recordId}, ${tx.json(input.changes as never)}, ${tx.json(a.approvers)})`;
          }
          return result;
        }
        const [current] = await tx<Record<string, string | null>[]>`SELECT * FROM borrowers WHERE id = ${input.recordId} FOR UPDATE`;
        if (!current) return { applied: false, message: 'the record no longer exists' };
        for (const c of input.changes) {
          const now = current[BORROWER_COLUMNS[c.field]!] ?? null;
          if (String(now ?? '') !== String(c.old ?? '')) {
            return { applied: false, message: `${c.field} is now "${now ?? ''}", not "${c.old ?? ''}" as when the request was made; make a new request` };
          }
        }
        for (const c of input.changes) {
          await tx`UPDATE borrowers SET ${tx.unsafe(BORROWER_COLUMNS[c.field]!)} = ${c.new === null ? null : String(c.new)} WHERE id = ${input.recordId}`;
        }
        await tx`INSERT INTO record_changes (request_id, record_kind, record_id, changes, approvers)
          VALUES (${input.requestId}, ${input.recordKind}, ${input.recordId}, ${tx.json(input.changes as never)}, ${tx.json(a.approvers)})`;
        return { applied: true, message: 'applied' };
      });
    },
  };
}

const LEVEL_ROLE = { upazila: 'upazila_officer', district: 'district_officer', division: 'divisional_officer', hq: 'hq_admin' } as const;

export function createCorrectionPreparation({ sql, policy }: ActivityDeps) {
  return {
    /**
     * Reads a new request, resolves its approval chain from the rules for the record's offices and
     * stores the chain and the rule that chose it. Runs as the workflow's first step.
     */
    async prepareCorrection(requestId: string): Promise<CorrectionInput> {
      const [r] = await sql<{ record_kind: 'borrower' | 'loan'; record_id: string; office_id: string; changes: CorrectionInput['changes']; reason: string; requested_by: string }[]>`
        SELECT record_kind, record_id, office_id, changes, reason, requested_by FROM correction_requests WHERE id = ${requestId}`;
      if (!r) throw ApplicationFailure.create({ type: 'RequestNotFound', message: `no correction request ${requestId}`, nonRetryable: true });
      const lineage = await sql<{ id: string; level: keyof typeof LEVEL_ROLE }[]>`
        WITH RECURSIVE up(id, parent_id, level, depth) AS (
          SELECT id, parent_id, level, 0 FROM offices WHERE id = ${r.office_id}
          UNION ALL SELECT o.id, o.parent_id, o.level, up.depth + 1 FROM offices o JOIN up ON o.id = up.parent_id)
        SELECT id, level FROM up ORDER BY depth`;
      const at = (level: string) => lineage.find((o) => o.level === level)?.id;
      const set = await policy.get();
      await rememberRuleVersions(sql, [set.files.corrections]);
      const chainPolicy = await resolveCorrectionChain(set, {
        recordKind: r.record_kind,
        fields: r.changes.map((c) => c.field),
        affectsMoney: r.changes.some((c) => MONEY_FIELDS.includes(c.field)),
        districtCode: at('district') ?? '',
        upazilaCode: at('upazila') ?? '',
      });
      const escalationPath = lineage.map((o) => ({ role: LEVEL_ROLE[o.level], officeId: o.id, level: o.level }));
      const [requester] = await sql<{ role: string; office_id: string }[]>`SELECT role, office_id FROM users WHERE id = ${r.requested_by}`;
      const chain = requesterFreeChain(
        chainPolicy.steps.map((s) => {
          const officeId = at(s.level);
          if (!officeId) throw ApplicationFailure.create({ type: 'NoSuchOffice', message: `the record has no ${s.level} office above it`, nonRetryable: true });
          return { role: s.role, officeId, level: s.level };
        }),
        escalationPath,
        requester ? { role: requester.role, officeId: requester.office_id } : null,
      );
      await sql`UPDATE correction_requests SET chain = ${sql.json(chain as never)}, rule_name = ${chainPolicy.rule.rule}, rule_version = ${chainPolicy.rule.version}
        WHERE id = ${requestId}`;
      return {
        requestId,
        recordKind: r.record_kind,
        recordId: r.record_id,
        officeId: r.office_id,
        changes: r.changes,
        reason: r.reason,
        requestedBy: r.requested_by,
        requester: requester ? { role: requester.role, officeId: requester.office_id } : null,
        chain,
        escalationPath,
        policy: chainPolicy,
      };
    },
  };
}

/**
 * Nobody approves their own request: a step that would wait for the requester's own role and office
 * goes to the office above instead, and a step repeated back to back is asked once.
 */
export function requesterFreeChain(chain: ChainStep[], path: ChainStep[], requester: { role: string; officeId: string } | null): ChainStep[] {
  const out: ChainStep[] = [];
  for (const step of chain) {
    let s = step;
    while (requester && s.role === requester.role && s.officeId === requester.officeId) {
      const above = path[path.findIndex((p) => p.level === s.level) + 1];
      if (!above) break;
      s = above;
    }
    const last = out[out.length - 1];
    if (!last || last.role !== s.role || last.officeId !== s.officeId) out.push(s);
  }
  return out;
}
