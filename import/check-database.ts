// Validated rows → what the database and the policy say about them: each row's society must be in the
// uploader's office, its product must exist with the principal in its limits, its NID must not be a
// different borrower's, its ledger number must not be imported already. Every bad row is reported;
// good rows come back with everything the writer needs (district, resolved policy, existing borrower).
import type { Actor } from '../api/access/actor';
import { assertCanWrite } from '../api/access/scope';
import { ApiError } from '../api/errors';
import type { Sql } from '../db/client';
import { formatTaka, serviceCharge } from '../domain/money';
import type { ResolvedPolicy } from '../domain/types';
import type { PolicySet } from '../policy/policy-store';
import { PolicyResolutionError, resolvePolicy } from '../policy/resolve-policy';
import type { ColumnKey } from './template';
import { cleanText, withoutInvisibles } from './text';
import type { RowError, ValidRow } from './validate-rows';

/** How errors name columns and quote values: as the clerk's file has them. */
export interface RowSource {
  headers: Partial<Record<ColumnKey, string>>;
  /** The cells as written, by row number; when absent the normalised value is quoted. */
  values?: ReadonlyMap<number, Partial<Record<ColumnKey, string>>>;
}

export interface CheckedRow {
  v: ValidRow;
  officeId: string;
  districtId: string;
  policyIdx: number;
  /** The borrower this NID already belongs to (same society and names), or null for a new borrower. */
  borrowerId: string | null;
}

export interface DatabaseCheck {
  rows: CheckedRow[];
  policies: ResolvedPolicy[];
  errors: RowError[];
}

const taka = (poisha: number) => formatTaka(poisha, { latin: true }).replace('৳', '') + ' Tk';
const sameName = (a: string, b: string) => withoutInvisibles(cleanText(a)).toLowerCase() === withoutInvisibles(cleanText(b)).toLowerCase();
export const MAX_LEDGER_REF = 80;

export async function checkAgainstDatabase(sql: Sql, actor: Actor, set: PolicySet, rows: readonly ValidRow[], source: RowSource): Promise<DatabaseCheck> {
  const errors: RowError[] = [];
  const fail = (v: ValidRow, key: ColumnKey, reason: string, normalised: string) =>
    errors.push({ row: v.row, column: source.headers[key] ?? key, value: source.values?.get(v.row)?.[key] ?? normalised, reason });

  // Societies, and whether the uploader may disburse there (scope.ts decides, once per office).
  const societyIds = [...new Set(rows.map((r) => r.societyId))];
  const societies = new Map(
    (await sql<{ id: string; office_id: string; district_id: string; active: boolean }[]>`
      SELECT s.id, s.office_id, o.parent_id AS district_id, s.active FROM societies s JOIN offices o ON o.id = s.office_id
      WHERE s.id = ANY(${sql.array(societyIds)}::text[])`).map((s) => [s.id, s]),
  );
  const officeRefusal = new Map<string, string | null>();
  for (const officeId of new Set([...societies.values()].map((s) => s.office_id))) {
    try {
      await assertCanWrite(sql, actor, 'loan.disburse', { officeId }, 'society');
      officeRefusal.set(officeId, null);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      officeRefusal.set(officeId, err.code === 'NOT_FOUND' ? 'hidden' : err.message);
    }
  }

  // Existing borrowers with these NIDs, and loans already imported under these ledger numbers.
  const nids = rows.flatMap((r) => (r.nid ? [r.nid] : []));
  const holders = new Map(
    (await sql<{ id: string; nid: string; name: string; father: string; society_id: string; office_id: string; blacklisted: boolean }[]>`
      SELECT b.id, b.nid, b.name, b.father_or_husband_name AS father, b.society_id, s.office_id,
        EXISTS (SELECT 1 FROM blacklist bl WHERE bl.borrower_id = b.id AND bl.settled_at IS NULL) AS blacklisted
      FROM borrowers b JOIN societies s ON s.id = b.society_id WHERE b.nid = ANY(${sql.array(nids)}::text[])`).map((b) => [b.nid, b]),
  );
  const refs = rows.flatMap((r) => (r.loanRef ? [r.loanRef] : []));
  const imported = new Map(
    (await sql<{ ledger_ref: string; code: string }[]>`
      SELECT ledger_ref, code FROM loans WHERE office_id = ${actor.officeId} AND ledger_ref = ANY(${sql.array(refs)}::text[])`).map((l) => [l.ledger_ref, l.code]),
  );

  // The policy for each distinct (district, upazila, product), resolved once.
  const policies: ResolvedPolicy[] = [];
  const policyIdx = new Map<string, number | string>();
  async function policyFor(districtCode: string, upazilaCode: string, productCode: string): Promise<number | string> {
    const key = `${districtCode}|${upazilaCode}|${productCode}`;
    let found = policyIdx.get(key);
    if (found === undefined) {
      try {
        policies.push(await resolvePolicy(set, { loanId: 'import', districtCode, upazilaCode, productCode }));
        found = policies.length - 1;
      } catch (err) {
        if (!(err instanceof PolicyResolutionError)) throw err;
        found = err.message;
      }
      policyIdx.set(key, found);
    }
    return found;
  }

  const checked: CheckedRow[] = [];
  for (const v of rows) {
    const before = errors.length;
    const society = societies.get(v.societyId);
    const refusal = society ? officeRefusal.get(society.office_id) : 'hidden';
    if (!society || refusal === 'hidden') fail(v, 'societyId', `is not a society of your office ${actor.officeId}`, v.societyId);
    else if (refusal) fail(v, 'societyId', refusal, v.societyId);
    else if (!society.active) fail(v, 'societyId', 'is a closed (inactive) society; loans cannot be added to it', v.societyId);

    let idx = -1;
    if (society && !refusal) {
      const p = await policyFor(society.district_id, society.office_id, v.productCode);
      if (typeof p === 'string') fail(v, 'productCode', `is not a loan product here (${p})`, v.productCode);
      else {
        idx = p;
        const { product } = policies[p]!;
        if (v.principalPoisha < product.minPrincipalPoisha || v.principalPoisha > product.maxPrincipalPoisha) {
          fail(v, 'principalTaka', `is outside the limits of ${product.code}: ${taka(product.minPrincipalPoisha)} to ${taka(product.maxPrincipalPoisha)}`, taka(v.principalPoisha));
        } else {
          const owed = v.principalPoisha + serviceCharge(v.principalPoisha, product.serviceChargeBps);
          if (v.paidToDatePoisha > owed) fail(v, 'paidToDateTaka', `is more than the whole amount owed (${taka(owed)} with service charge)`, taka(v.paidToDatePoisha));
        }
      }
    }

    let borrowerId: string | null = null;
    const holder = v.nid ? holders.get(v.nid) : undefined;
    if (holder) {
      const samePerson = holder.society_id === v.societyId && sameName(holder.name, v.borrowerName) && sameName(holder.father, v.fatherOrHusbandName);
      // Name the holder only to someone who may see them (their own office).
      const who = holder.office_id === actor.officeId ? ` (${holder.name}, society ${holder.society_id})` : '';
      if (!samePerson) fail(v, 'nid', `already belongs to another borrower${who}`, v.nid!);
      else if (holder.blacklisted) fail(v, 'nid', 'belongs to a borrower blacklisted as a defaulter, who is barred from new loans', v.nid!);
      else borrowerId = holder.id;
    }
    if (v.loanRef) {
      const code = imported.get(v.loanRef);
      if (code) fail(v, 'loanRef', `was imported already (loan ${code}); it is not imported twice`, v.loanRef);
      else if (v.loanRef.length > MAX_LEDGER_REF) fail(v, 'loanRef', `is longer than ${MAX_LEDGER_REF} characters`, v.loanRef);
    }

    if (errors.length === before && society) {
      checked.push({ v, officeId: society.office_id, districtId: society.district_id, policyIdx: idx, borrowerId });
    }
  }
  return { rows: checked, policies, errors };
}
