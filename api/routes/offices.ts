import { createRoute, z } from '@hono/zod-openapi';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Id } from '../schemas';

const Office = z.object({ id: z.string(), parentId: z.string().nullable(), level: z.enum(['hq', 'division', 'district', 'upazila']), nameBn: z.string(), nameEn: z.string() }).openapi('Office');
const Society = z.object({ id: z.string(), officeId: z.string(), nameBn: z.string(), nameEn: z.string(), projectName: z.string(), active: z.boolean() }).openapi('Society');

const listOffices = createRoute({
  method: 'get', path: '/api/offices', summary: 'My office and every office below it',
  responses: { 200: { description: 'offices, parents before children', content: { 'application/json': { schema: z.object({ items: z.array(Office) }) } } }, ...errorResponses('UNAUTHORIZED') },
});
const listSocieties = createRoute({
  method: 'get', path: '/api/societies', summary: 'Cooperative societies in my part of the country',
  request: { query: z.object({ officeId: Id.optional() }) },
  responses: { 200: { description: 'societies', content: { 'application/json': { schema: z.object({ items: z.array(Society) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const createSociety = createRoute({
  method: 'post', path: '/api/societies', summary: 'Register a project society in my upazila',
  request: { body: { content: { 'application/json': { schema: z.object({ id: z.string().regex(/^[A-Z0-9-]{3,60}$/, 'must be 3–60 capital letters, digits or dashes'), officeId: Id, nameBn: z.string().trim().min(1).max(200), nameEn: z.string().trim().min(1).max(200), projectName: z.string().trim().min(1).max(200) }) } }, required: true } },
  responses: { 201: { description: 'created', content: { 'application/json': { schema: z.object({ society: Society }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export function registerOffices(app: App, { sql }: AppDeps): void {
  app.openapi(listOffices, async (c) => {
    const actor = requireActor(c);
    const root = actor.officeId;
    const items = await sql<z.infer<typeof Office>[]>`
      WITH RECURSIVE t AS (
        SELECT o.*, 0 AS depth FROM offices o WHERE o.id = ${root}
        UNION ALL SELECT o.*, t.depth + 1 FROM offices o JOIN t ON o.parent_id = t.id)
      SELECT id, CASE WHEN id = ${root} THEN NULL ELSE parent_id END AS "parentId", level, name_bn AS "nameBn", name_en AS "nameEn"
      FROM t ORDER BY depth, name_en`;
    // A society representative sees only their own upazila office, nothing below or beside.
    return c.json({ items: actor.role === 'society_rep' ? items.slice(0, 1) : items }, 200);
  });

  app.openapi(listSocieties, async (c) => {
    const actor = requireActor(c);
    const { officeId } = c.req.valid('query');
    if (officeId) await assertCanRead(sql, actor, { officeId }, 'office');
    const items = await sql<z.infer<typeof Society>[]>`
      SELECT id, office_id AS "officeId", name_bn AS "nameBn", name_en AS "nameEn", project_name AS "projectName", active
      FROM societies
      WHERE ${actor.role === 'society_rep' ? sql`id = ${actor.societyId}` : sql`office_id IN (SELECT id FROM office_subtree(${officeId ?? actor.officeId}))`}
      ORDER BY name_en`;
    return c.json({ items }, 200);
  });

  app.openapi(createSociety, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const [office] = await sql<{ level: string }[]>`SELECT level FROM offices WHERE id = ${body.officeId}`;
    if (!office) throw new ApiError('NOT_FOUND', `no office ${body.officeId} here`, 'officeId');
    await assertCanWrite(sql, actor, 'society.create', { officeId: body.officeId }, 'office');
    if (office.level !== 'upazila') throw new ApiError('BAD_REQUEST', 'societies belong to an upazila office', 'officeId');
    const rows = await sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name)
      VALUES (${body.id}, ${body.officeId}, ${body.nameBn}, ${body.nameEn}, ${body.projectName}) ON CONFLICT (id) DO NOTHING RETURNING id`;
    if (rows.length === 0) throw new ApiError('CONFLICT', `a society with id ${body.id} already exists`, 'id');
    return c.json({ society: { id: body.id, officeId: body.officeId, nameBn: body.nameBn, nameEn: body.nameEn, projectName: body.projectName, active: true } }, 201);
  });
}
