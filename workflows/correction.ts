// One workflow per correction request: its approval chain from the rules, each step decided by an
// officer of the right role and office, reminders and escalation when a step waits too long, and
// the change applied in one transaction only after the final approval.
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ChainStep, CorrectionDecision, CorrectionInput, CorrectionStatus, CorrectionView, FieldChange } from '../domain/corrections';
import { correctionViewQuery, decideUpdate, reviseUpdate, withdrawUpdate } from './correction-definitions';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function correctionWorkflow({ requestId }: { requestId: string }): Promise<CorrectionView> {
  // Answer queries even while the request is being prepared.
  setHandler(correctionViewQuery, () => ({ requestId, status: 'pending', step: 0, awaiting: null, stepDeadline: null, changes: [], decisions: [], outcome: null }));
  const input: CorrectionInput = await acts.prepareCorrection(requestId);
  const chain: ChainStep[] = input.chain.map((s) => ({ ...s }));
  let changes: FieldChange[] = input.changes;
  let status = 'pending' as CorrectionStatus; // widened: handlers change it between awaits
  let step = 0;
  let stepStartedAt = Date.now();
  let remindedFor = -1;
  let outcome: string | null = null;
  let seq = 0;
  let version = 0;
  const decisions: CorrectionDecision[] = [];
  let writes: Promise<unknown> = Promise.resolve();

  const deadline = () => stepStartedAt + input.policy.stepTimeoutMs;
  const view = (): CorrectionView => ({
    requestId: input.requestId,
    status,
    step,
    awaiting: status === 'pending' ? chain[step]! : null,
    stepDeadline: status === 'pending' ? deadline() : null,
    changes,
    decisions,
    outcome,
  });

  function record(d: CorrectionDecision, detail: Record<string, unknown> | null = null): Promise<void> {
    decisions.push(d);
    version += 1;
    const write = { requestId: input.requestId, key: `d${++seq}`, decision: d, detail, state: view() };
    const next = writes.then(() => acts.recordCorrectionEvent(write));
    writes = next.catch(() => undefined);
    return next;
  }

  setHandler(correctionViewQuery, view);

  setHandler(
    decideUpdate,
    async (d) => {
      const now = Date.now();
      if (d.decision === 'approve') {
        step += 1;
        stepStartedAt = now;
        if (step === chain.length) status = 'approved';
      } else {
        status = d.decision === 'reject' ? 'rejected' : 'returned';
      }
      await record({ step: d.decision === 'approve' ? step - 1 : step, by: d.by, decision: d.decision, comment: d.comment, at: now });
      return view();
    },
    {
      validator: (d) => {
        if (status !== 'pending') throw new Error(`the request is ${status}; nothing to decide`);
        const awaiting = chain[step]!;
        if (d.by === input.requestedBy) throw new Error('the requester cannot decide their own request');
        if (d.role !== awaiting.role || d.officeId !== awaiting.officeId) {
          throw new Error(`this step waits for the ${awaiting.role} of office ${awaiting.officeId}`);
        }
        if (!['approve', 'reject', 'return'].includes(d.decision)) throw new Error('decision must be approve, reject or return');
        if (d.decision !== 'approve' && (typeof d.comment !== 'string' || d.comment.trim().length < 3)) {
          throw new Error('say why in a comment when rejecting or returning');
        }
      },
    },
  );

  setHandler(
    reviseUpdate,
    async (r) => {
      changes = r.changes;
      status = 'pending';
      step = 0;
      stepStartedAt = Date.now();
      remindedFor = -1;
      chain.splice(0, chain.length, ...input.chain.map((s) => ({ ...s })));
      await record({ step: 0, by: r.by, decision: 'revised', comment: r.comment, at: Date.now() }, { changes });
      return view();
    },
    {
      validator: (r) => {
        if (status !== 'returned') throw new Error('only a request returned for changes can be revised');
        if (r.by !== input.requestedBy) throw new Error('only the requester can revise the request');
        const fields = input.changes.map((c) => c.field).sort().join(',');
        if (!Array.isArray(r.changes) || r.changes.map((c: FieldChange) => c.field).sort().join(',') !== fields) {
          throw new Error(`a revision changes the same fields: ${fields}`);
        }
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (w) => {
      status = 'withdrawn';
      await record({ step, by: w.by, decision: 'withdrawn', comment: w.comment, at: Date.now() });
      return view();
    },
    {
      validator: (w) => {
        if (w.by !== input.requestedBy) throw new Error('only the requester can withdraw the request');
        if (status !== 'pending' && status !== 'returned') throw new Error(`the request is already ${status}`);
      },
    },
  );

  await record({ step: 0, by: input.requestedBy, decision: 'requested', comment: input.reason, at: Date.now() }, { changes });

  while (status === 'pending' || status === 'returned') {
    const seen = version;
    if (status === 'returned') {
      await condition(() => version !== seen);
      continue;
    }
    const now = Date.now();
    const remindAt = deadline() - input.policy.remindBeforeMs;
    if (now >= deadline()) {
      await onTimeout(now);
      continue;
    }
    if (now >= remindAt && remindedFor !== step) {
      remindedFor = step;
      await writes;
      await acts.notifyApprover({ requestId: input.requestId, step: chain[step]!, deadline: deadline(), key: `remind-${step}-${stepStartedAt}` });
      continue;
    }
    await condition(() => version !== seen, (remindedFor === step ? deadline() : remindAt) - now);
  }

  if (status === 'approved') {
    await writes;
    const approvers = decisions.filter((d) => d.decision === 'approve').map((d) => ({ by: d.by, step: d.step, at: d.at }));
    const result = await acts.applyCorrection({ input: { ...input, changes }, approvers });
    status = result.applied ? 'applied' : 'conflict';
    outcome = result.message;
    await record({ step, by: 'system', decision: result.applied ? 'applied' : 'conflict', comment: result.message, at: Date.now() });
  }
  await writes;
  return view();

  async function onTimeout(now: number): Promise<void> {
    const current = chain[step]!;
    const levels = input.escalationPath.map((e) => e.level);
    let higher = input.escalationPath[levels.indexOf(current.level) + 1];
    // Escalation never lands on the requester: past them to the office above.
    while (higher && input.requester && higher.role === input.requester.role && higher.officeId === input.requester.officeId) {
      higher = input.escalationPath[levels.indexOf(higher.level) + 1];
    }
    if (input.policy.onTimeout === 'escalate' && higher) {
      chain[step] = { role: higher.role, officeId: higher.officeId, level: higher.level };
      const next = chain[step + 1];
      if (next && next.role === higher.role && next.officeId === higher.officeId) chain.splice(step + 1, 1);
      stepStartedAt = now;
      remindedFor = -1;
      await record({ step, by: `rule:${input.policy.rule.rule}`, decision: 'escalated', comment: `no decision by the ${current.role} of ${current.officeId} in time`, at: now }, { from: current, to: chain[step], rule: input.policy.rule });
    } else {
      stepStartedAt = now;
      remindedFor = -1;
    }
  }
}
