// Active or inactive, by the rules: each society's register facts (months since its AGM and its
// audit, days its election is overdue, how many leaders are recorded) run through the inactivity
// rules of rules/notices.json. Any rule that fires makes it inactive, with that rule's reason.
import { Engine } from 'json-rules-engine';
import type { Sql } from '../db/client';
import type { PolicyFile } from '../policy/schema';

export interface SocietyFacts {
  monthsSinceAgm: number;
  monthsSinceAudit: number;
  electionOverdueDays: number;
  leaders: number;
}

export interface SocietyStatus {
  societyId: string;
  nameBn: string;
  nameEn: string;
  active: boolean;
  reasons: { rule: string; reason: string }[];
  facts: SocietyFacts;
}

/** A register with no date at all counts as "never": far beyond any rule's limit. */
const NEVER_MONTHS = 999;

export async function societyFacts(sql: Sql, officeId: string, asOf: Date): Promise<{ id: string; nameBn: string; nameEn: string; facts: SocietyFacts }[]> {
  const rows = await sql<{ id: string; name_bn: string; name_en: string; agm: number | null; audit: number | null; overdue: number; leaders: number }[]>`
    SELECT s.id, s.name_bn, s.name_en,
      (extract(year FROM age(${asOf}::date, s.last_agm_on)) * 12 + extract(month FROM age(${asOf}::date, s.last_agm_on)))::int AS agm,
      (extract(year FROM age(${asOf}::date, s.last_audit_on)) * 12 + extract(month FROM age(${asOf}::date, s.last_audit_on)))::int AS audit,
      greatest(0, coalesce(${asOf}::date - s.election_due_on, 0))::int AS overdue,
      (SELECT count(*) FROM society_leaders l WHERE l.society_id = s.id AND l.ended_on IS NULL)::int AS leaders
    FROM societies s WHERE s.office_id = ${officeId} ORDER BY s.name_bn`;
  return rows.map((r) => ({
    id: r.id, nameBn: r.name_bn, nameEn: r.name_en,
    facts: { monthsSinceAgm: r.agm ?? NEVER_MONTHS, monthsSinceAudit: r.audit ?? NEVER_MONTHS, electionOverdueDays: r.overdue, leaders: r.leaders },
  }));
}

export async function evaluateSocieties(policy: PolicyFile<'notices'>, societies: Awaited<ReturnType<typeof societyFacts>>): Promise<SocietyStatus[]> {
  const engine = new Engine(policy.rules as never[], { allowUndefinedFacts: false });
  const out: SocietyStatus[] = [];
  for (const s of societies) {
    const { results } = await engine.run({ ...s.facts });
    const reasons = results.map((r) => ({ rule: String(r.name), reason: String(r.event?.params?.reason ?? r.event?.type ?? r.name) }));
    out.push({ societyId: s.id, nameBn: s.nameBn, nameEn: s.nameEn, active: reasons.length === 0, reasons, facts: s.facts });
  }
  return out;
}
