// Walks every loan's audit chain and reports what does not hold: an event whose hash is not the hash
// of its content and its predecessor, a link to an event that is not there, a fork, events left out
// of the chain, or a loan whose recorded head is not its chain's last event.
import type { Sql } from '../db/client';

export interface ChainProblem {
  loanId: string;
  eventId: number | null;
  problem: string;
}

export interface VerifyResult {
  loans: number;
  events: number;
  problems: ChainProblem[];
}

export async function verifyAuditChains(sql: Sql, opts: { loanIds?: string[] } = {}): Promise<VerifyResult> {
  const filter = opts.loanIds ? sql`WHERE e.loan_id = ANY(${sql.array(opts.loanIds)}::uuid[])` : sql``;
  const rows = await sql<{ id: number; loan_id: string; prev_hash: string; hash: string; recomputed: string }[]>`
    SELECT e.id, e.loan_id, e.prev_hash, e.hash, loan_event_hash(e.prev_hash, e) AS recomputed FROM loan_events e ${filter} ORDER BY e.loan_id, e.id`;
  const heads = new Map(
    (await sql<{ id: string; audit_head: string | null }[]>`SELECT id, audit_head FROM loans ${opts.loanIds ? sql`WHERE id = ANY(${sql.array(opts.loanIds)}::uuid[])` : sql``}`).map((l) => [l.id, l.audit_head]),
  );
  type Event = (typeof rows)[number];
  const byLoan = new Map<string, Event[]>();
  for (const r of rows) {
    const list = byLoan.get(r.loan_id) ?? [];
    list.push(r);
    byLoan.set(r.loan_id, list);
  }

  const problems: ChainProblem[] = [];
  for (const [loanId, events] of byLoan) {
    const byPrev = new Map<string, Event[]>();
    for (const e of events) {
      if (e.hash !== e.recomputed) problems.push({ loanId, eventId: e.id, problem: 'content changed: its hash no longer matches' });
      const list = byPrev.get(e.prev_hash) ?? [];
      list.push(e);
      byPrev.set(e.prev_hash, list);
    }
    for (const [prev, next] of byPrev) if (next.length > 1) problems.push({ loanId, eventId: next[1]!.id, problem: `fork: ${next.length} events follow ${prev || 'the start'}` });
    // Follow the chain from its start; every event must be on it, and it must end at the loan's head.
    let at = '';
    let walked = 0;
    for (;;) {
      const next = byPrev.get(at)?.[0];
      if (!next) break;
      walked += 1;
      at = next.hash;
      if (walked > events.length) break;
    }
    if (walked !== events.length) problems.push({ loanId, eventId: null, problem: `${events.length - walked} event(s) not on the chain (one removed or inserted out of turn)` });
    const head = heads.get(loanId) ?? null;
    if (head !== at) problems.push({ loanId, eventId: null, problem: head === null ? 'loan has events but no recorded head' : 'the chain does not end at the loan’s recorded latest event (an event was removed)' });
  }
  for (const [loanId, head] of heads) {
    if (head && !byLoan.has(loanId)) problems.push({ loanId, eventId: null, problem: 'the loan records a latest event but has none' });
  }
  return { loans: byLoan.size, events: rows.length, problems };
}
