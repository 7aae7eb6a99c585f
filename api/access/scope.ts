// The one place that decides what part of the country a person sees and may change.
// Everyone reads their own office and everything below it, never sideways or above; a society
// representative reads only their own society. Direct writes: only records of one's own office
// (hq_admin: any office, for accounts only).
import type { Sql } from '../../db/client';
import { ApiError } from '../errors';
import type { Actor } from './actor';
import { roleMay, type WriteAction } from './permissions';

export interface RecordPlace {
  officeId: string;
  societyId?: string | null;
}

/** Ancestors of an office, itself first. */
export async function lineage(sql: Sql, officeId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 0 FROM offices WHERE id = ${officeId}
      UNION ALL
      SELECT o.id, o.parent_id, up.depth + 1 FROM offices o JOIN up ON o.id = up.parent_id
    )
    SELECT id FROM up ORDER BY depth`;
  return rows.map((r) => r.id);
}

export async function canRead(sql: Sql, actor: Actor, place: RecordPlace): Promise<boolean> {
  // A society representative sees their own society's records, and their upazila office itself.
  if (actor.role === 'society_rep') return place.societyId ? place.societyId === actor.societyId : place.officeId === actor.officeId;
  return (await lineage(sql, place.officeId)).includes(actor.officeId);
}

/**
 * Throws NOT_FOUND when the actor may not even see the record (so its existence is not revealed),
 * FORBIDDEN when they see it but may not change it directly.
 */
export async function assertCanWrite(sql: Sql, actor: Actor, action: WriteAction, place: RecordPlace, what: string): Promise<void> {
  if (!(await canRead(sql, actor, place))) throw new ApiError('NOT_FOUND', `no ${what} here`);
  if (!roleMay(actor.role, action)) throw new ApiError('FORBIDDEN', `your role (${actor.role}) may not do ${action}`);
  if (action === 'user.manage' && actor.role === 'hq_admin') return;
  if (place.officeId !== actor.officeId) {
    throw new ApiError('FORBIDDEN', `this ${what} belongs to office ${place.officeId}; a change from your office goes through a correction request`);
  }
}

export async function assertCanRead(sql: Sql, actor: Actor, place: RecordPlace, what: string): Promise<void> {
  if (!(await canRead(sql, actor, place))) throw new ApiError('NOT_FOUND', `no ${what} here`);
}

/** A correction request is read by whoever asked for it, and by anyone whose scope holds its office. */
export async function assertCanReadCorrection(sql: Sql, actor: Actor, request: { id?: string; officeId: string; requestedBy: string }): Promise<void> {
  if (request.requestedBy === actor.id) return;
  // A society representative reads requests about their own society's records only, never about
  // another society's borrowers in the same upazila.
  let societyId: string | null = null;
  if (actor.role === 'society_rep' && request.id) {
    const [r] = await sql<{ society_id: string | null }[]>`
      SELECT coalesce(b.society_id, l.society_id) AS society_id FROM correction_requests c
      LEFT JOIN borrowers b ON c.record_kind = 'borrower' AND b.id = c.record_id
      LEFT JOIN loans l ON c.record_kind = 'loan' AND l.id = c.record_id
      WHERE c.id = ${request.id}`;
    societyId = r?.society_id ?? 'none';
  }
  await assertCanRead(sql, actor, { officeId: request.officeId, societyId }, 'correction request');
}

/**
 * SQL condition restricting rows to the actor's scope. `alias` names a table with office_id and
 * society_id columns, or pass both column expressions; `society: null` for records an office holds
 * without a society (an import job), which a society representative reads in their own office only.
 */
export function scopeFilter(sql: Sql, actor: Actor, columns: string | { office: string; society: string | null } = '') {
  const cols = typeof columns === 'string' ? { office: `${columns ? `${columns}.` : ''}office_id`, society: `${columns ? `${columns}.` : ''}society_id` } : columns;
  if (actor.role === 'society_rep') {
    return cols.society === null ? sql`${sql.unsafe(cols.office)} = ${actor.officeId}` : sql`${sql.unsafe(cols.society)} = ${actor.societyId}`;
  }
  return sql`${sql.unsafe(cols.office)} IN (SELECT id FROM office_subtree(${actor.officeId}))`;
}
