import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { FieldChange } from '../../domain/corrections';
import { CORRECTABLE_FIELDS } from '../../policy/schema';
import { correctionWorkflowId, decideUpdate, reviseUpdate, withdrawUpdate } from '../../workflows/correction-definitions';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanReadCorrection } from '../access/scope';
import type { Actor } from '../access/actor';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { translateTemporalError } from '../temporal-errors';
import { attachmentsOf, CorrectionAttachment } from './correction-attachments';

const FIELD_RULES: Record<string, z.ZodType<string | number | null>> = {
  principalPoisha: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  installmentCount: z.number().int().min(1).max(600),
  name: z.string().trim().min(1).max(120),
  fatherOrHusbandName: z.string().trim().min(1).max(120),
  mobile: z.string().regex(/^01[3-9]\d{8}$/, 'must be a Bangladeshi mobile number like 017XXXXXXXX').nullable(),
  nid: z.string().regex(/^(\d{10}|\d{13}|\d{17})$/, 'must be 10, 13 or 17 digits').nullable(),
  barrackNo: z.string().trim().max(40).nullable(),
  roomNo: z.string().trim().max(40).nullable(),
};

const Correction = z
  .object({
    id: z.string(), recordKind: z.string(), recordId: z.string(), officeId: z.string(), status: z.string(), step: z.number(),
    changes: z.array(z.object({ field: z.string(), old: z.unknown(), new: z.unknown() })), reason: z.string(), requestedBy: z.string(),
    awaitingRole: z.string().nullable(), awaitingOfficeId: z.string().nullable(), stepDeadline: z.string().nullable(),
    chain: z.unknown(), ruleName: z.string().nullable(), ruleVersion: z.string().nullable(), outcome: z.string().nullable(), createdAt: z.string(),
  })
  .openapi('CorrectionRequest');
const Params = z.object({ id: z.string().uuid() });
// Who decided, in words: the person, their role and office (null for the system and escalation rules).
const CorrectionEvent = z.object({
  step: z.number(), actor: z.string(), decision: z.string(), comment: z.string(), at: z.string(),
  actorName: z.string().nullable(), actorRole: z.string().nullable(), actorOfficeId: z.string().nullable(),
});
const OfficeName = z.object({ id: z.string(), nameBn: z.string(), nameEn: z.string() });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const routes = {
  create: createRoute({
    method: 'post', path: '/api/corrections', summary: 'Ask for a correction of a record you can read; it goes through the approval chain',
    request: json(z.object({ recordKind: z.enum(['borrower', 'loan']), recordId: z.string().uuid(), changes: z.record(z.string(), z.unknown()), reason: z.string().trim().min(5).max(1000) })),
    responses: { 201: { description: 'requested', content: { 'application/json': { schema: z.object({ correction: z.object({ id: z.string(), workflowId: z.string() }) }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND') },
  }),
  inbox: createRoute({
    method: 'get', path: '/api/corrections/inbox', summary: 'Requests waiting for my decision',
    responses: { 200: { description: 'requests', content: { 'application/json': { schema: z.object({ items: z.array(Correction) }) } } }, ...errorResponses('UNAUTHORIZED') },
  }),
  mine: createRoute({
    method: 'get', path: '/api/corrections/mine', summary: 'Requests I made and where they are',
    responses: { 200: { description: 'requests', content: { 'application/json': { schema: z.object({ items: z.array(Correction) }) } } }, ...errorResponses('UNAUTHORIZED') },
  }),
  get: createRoute({
    method: 'get', path: '/api/corrections/{id}', summary: 'A request with every decision on it',
    request: { params: Params },
    responses: { 200: { description: 'the request', content: { 'application/json': { schema: z.object({ correction: Correction, events: z.array(CorrectionEvent), offices: z.array(OfficeName), attachments: z.array(CorrectionAttachment) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  decide: createRoute({
    method: 'post', path: '/api/corrections/{id}/decision', summary: 'Approve, reject (with a comment) or return for changes',
    request: { params: Params, ...json(z.object({ decision: z.enum(['approve', 'reject', 'return']), comment: z.string().max(1000).default('') })) },
    responses: { 200: { description: 'decided', content: { 'application/json': { schema: z.object({ status: z.string(), step: z.number() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'UNPROCESSABLE') },
  }),
  revise: createRoute({
    method: 'post', path: '/api/corrections/{id}/revise', summary: 'Send new values after the request was returned',
    request: { params: Params, ...json(z.object({ changes: z.record(z.string(), z.unknown()), comment: z.string().max(1000).default('') })) },
    responses: { 200: { description: 'revised', content: { 'application/json': { schema: z.object({ status: z.string() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'UNPROCESSABLE') },
  }),
  withdraw: createRoute({
    method: 'post', path: '/api/corrections/{id}/withdraw', summary: 'Take my request back',
    request: { params: Params, ...json(z.object({ comment: z.string().max(1000).default('') })) },
    responses: { 200: { description: 'withdrawn', content: { 'application/json': { schema: z.object({ status: z.string() }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND', 'UNPROCESSABLE') },
  }),
};

const selectCorrection = (sql: AppDeps['sql']) => sql`
  SELECT id, record_kind AS "recordKind", record_id AS "recordId", office_id AS "officeId", status, step, changes, reason,
    requested_by AS "requestedBy", awaiting_role AS "awaitingRole", awaiting_office_id AS "awaitingOfficeId",
    to_json(step_deadline)#>>'{}' AS "stepDeadline", chain, rule_name AS "ruleName", rule_version AS "ruleVersion", outcome,
    to_json(created_at)#>>'{}' AS "createdAt"
  FROM correction_requests`;

export function registerCorrections(app: App, { sql, temporal, taskQueue }: AppDeps): void {
  /** The borrower's office and society, and the requested changes checked against the current values. */
  async function checkChanges(recordKind: string, recordId: string, requested: Record<string, unknown>, actor: Actor) {
    const record =
      recordKind === 'loan'
        ? (await sql<Record<string, unknown>[]>`
            SELECT l.principal_poisha AS "principalPoisha", (SELECT count(*)::int FROM installments i WHERE i.loan_id = l.id) AS "installmentCount",
              l.office_id, l.society_id, l.status FROM loans l WHERE l.id = ${recordId}`)[0]
        : (await sql<Record<string, unknown>[]>`
            SELECT b.name, b.father_or_husband_name AS "fatherOrHusbandName", b.mobile, b.nid, b.barrack_no AS "barrackNo",
              b.room_no AS "roomNo", s.office_id, b.society_id
            FROM borrowers b JOIN societies s ON s.id = b.society_id WHERE b.id = ${recordId}`)[0];
    if (!record) throw new ApiError('NOT_FOUND', `no ${recordKind} here`, 'recordId');
    await assertCanRead(sql, actor, { officeId: record.office_id as string, societyId: record.society_id as string }, recordKind);
    const allowed: readonly string[] = CORRECTABLE_FIELDS[recordKind as 'borrower' | 'loan'];
    const changes: FieldChange[] = [];
    for (const [field, value] of Object.entries(requested)) {
      if (!allowed.includes(field)) throw new ApiError('BAD_REQUEST', `${field} cannot be corrected (allowed: ${allowed.join(', ')})`, `changes.${field}`);
      const parsed = FIELD_RULES[field]!.safeParse(value);
      if (!parsed.success) throw new ApiError('BAD_REQUEST', `${field}: ${parsed.error.issues[0]!.message}`, `changes.${field}`);
      const old = (record[field] ?? null) as string | number | null;
      if (old === (parsed.data ?? null)) throw new ApiError('BAD_REQUEST', `${field} already is "${old ?? ''}"`, `changes.${field}`);
      changes.push({ field, old, new: parsed.data });
    }
    if (changes.length === 0) throw new ApiError('BAD_REQUEST', 'name at least one field to correct', 'changes');
    return { officeId: record.office_id as string, changes };
  }

  async function readable(id: string, actor: Actor) {
    const [row] = await sql<z.infer<typeof Correction>[]>`${selectCorrection(sql)} WHERE id = ${id}`;
    if (!row) throw new ApiError('NOT_FOUND', 'no correction request here');
    await assertCanReadCorrection(sql, actor, row);
    return row;
  }

  app.openapi(routes.create, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const { officeId, changes } = await checkChanges(body.recordKind, body.recordId, body.changes, actor);
    const id = randomUUID();
    await sql`INSERT INTO correction_requests (id, record_kind, record_id, office_id, changes, reason, requested_by, status)
      VALUES (${id}, ${body.recordKind}, ${body.recordId}, ${officeId}, ${sql.json(changes as never)}, ${body.reason}, ${actor.id}, 'pending')`;
    try {
      await temporal.workflow.start('correctionWorkflow', { taskQueue, workflowId: correctionWorkflowId(id), args: [{ requestId: id }] });
    } catch (err) {
      await sql`DELETE FROM correction_requests WHERE id = ${id}`;
      throw err;
    }
    return c.json({ correction: { id, workflowId: correctionWorkflowId(id) } }, 201);
  });

  app.openapi(routes.inbox, async (c) => {
    const actor = requireActor(c);
    const items = await sql<z.infer<typeof Correction>[]>`
      ${selectCorrection(sql)} WHERE status = 'pending' AND awaiting_role = ${actor.role} AND awaiting_office_id = ${actor.officeId}
        AND requested_by <> ${actor.id}
      ORDER BY step_deadline NULLS LAST, created_at`;
    return c.json({ items }, 200);
  });

  app.openapi(routes.mine, async (c) => {
    const actor = requireActor(c);
    const items = await sql<z.infer<typeof Correction>[]>`${selectCorrection(sql)} WHERE requested_by = ${actor.id} ORDER BY created_at DESC`;
    return c.json({ items }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const actor = requireActor(c);
    const correction = await readable(c.req.valid('param').id, actor);
    const events = await sql<z.infer<typeof CorrectionEvent>[]>`
      SELECT e.step, e.actor, e.decision, e.comment, to_json(e.at)#>>'{}' AS at, u.name AS "actorName", u.role AS "actorRole", u.office_id AS "actorOfficeId"
      FROM correction_events e LEFT JOIN users u ON u.id::text = e.actor WHERE e.request_id = ${correction.id} ORDER BY e.id`;
    const chainOffices = Array.isArray(correction.chain) ? (correction.chain as { officeId: string }[]).map((s) => s.officeId) : [];
    const officeIds = [...new Set([correction.officeId, ...chainOffices, ...events.flatMap((e) => (e.actorOfficeId ? [e.actorOfficeId] : []))])];
    const offices = await sql<z.infer<typeof OfficeName>[]>`SELECT id, name_bn AS "nameBn", name_en AS "nameEn" FROM offices WHERE id = ANY(${officeIds}) ORDER BY id`;
    return c.json({ correction, events, offices, attachments: await attachmentsOf(sql, correction.id) }, 200);
  });

  app.openapi(routes.decide, async (c) => {
    const actor = requireActor(c);
    const row = await readable(c.req.valid('param').id, actor);
    const { decision, comment } = c.req.valid('json');
    try {
      const view = await temporal.workflow.getHandle(correctionWorkflowId(row.id)).executeUpdate(decideUpdate, {
        args: [{ by: actor.id, role: actor.role, officeId: actor.officeId, decision, comment }],
      });
      return c.json({ status: view.status, step: view.step }, 200);
    } catch (err) {
      translateTemporalError(err, 'decision');
    }
  });

  app.openapi(routes.revise, async (c) => {
    const actor = requireActor(c);
    const row = await readable(c.req.valid('param').id, actor);
    const body = c.req.valid('json');
    const { changes } = await checkChanges(row.recordKind, row.recordId, body.changes, actor);
    try {
      const view = await temporal.workflow.getHandle(correctionWorkflowId(row.id)).executeUpdate(reviseUpdate, { args: [{ by: actor.id, changes, comment: body.comment }] });
      return c.json({ status: view.status }, 200);
    } catch (err) {
      translateTemporalError(err, 'revision');
    }
  });

  app.openapi(routes.withdraw, async (c) => {
    const actor = requireActor(c);
    const row = await readable(c.req.valid('param').id, actor);
    try {
      const view = await temporal.workflow.getHandle(correctionWorkflowId(row.id)).executeUpdate(withdrawUpdate, { args: [{ by: actor.id, comment: c.req.valid('json').comment }] });
      return c.json({ status: view.status }, 200);
    } catch (err) {
      translateTemporalError(err, 'withdrawal');
    }
  });
}
