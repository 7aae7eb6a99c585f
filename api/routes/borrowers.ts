import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { requireActor } from '../access/require-actor';
import { assertCanRead, assertCanWrite, scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { decodeCursor, page, parseSort, type SortColumn } from '../pagination';
import { Id, Mobile, Page, PageQuery } from '../schemas';

const Borrower = z
  .object({
    id: z.string(),
    societyId: z.string(),
    officeId: z.string(),
    name: z.string(),
    fatherOrHusbandName: z.string(),
    mobile: z.string().nullable(),
    nid: z.string().nullable(),
    barrackNo: z.string().nullable(),
    roomNo: z.string().nullable(),
    blacklisted: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Borrower');

const NewBorrower = z.object({
  societyId: Id,
  name: z.string().trim().min(1).max(120),
  fatherOrHusbandName: z.string().trim().min(1).max(120),
  mobile: Mobile.optional(),
  nid: z.string().regex(/^(\d{10}|\d{13}|\d{17})$/, 'must be 10, 13 or 17 digits').optional(),
  barrackNo: z.string().trim().max(40).optional(),
  roomNo: z.string().trim().max(40).optional(),
});

const BORROWER_SORTS: Record<string, SortColumn> = {
  name: { expr: 'b.name', type: 'text', key: 'name' },
  createdAt: { expr: 'b.created_at', type: 'timestamptz', key: 'createdAt' },
};

const select = (sql: AppDeps['sql']) => sql`
  SELECT to_json(b.created_at)#>>'{}' AS "createdAt", b.id, b.society_id AS "societyId", s.office_id AS "officeId", b.name, b.father_or_husband_name AS "fatherOrHusbandName",
    b.mobile, b.nid, b.barrack_no AS "barrackNo", b.room_no AS "roomNo",
    EXISTS (SELECT 1 FROM blacklist bl WHERE bl.borrower_id = b.id AND bl.settled_at IS NULL) AS blacklisted
  FROM borrowers b JOIN societies s ON s.id = b.society_id`;

const list = createRoute({
  method: 'get', path: '/api/borrowers', summary: 'Borrowers in my part of the country',
  request: { query: PageQuery.extend({ societyId: Id.optional(), officeId: Id.optional(), q: z.string().max(80).optional(), sort: z.string().max(30).optional().describe('name or createdAt; "-" in front for descending (default name)') }) },
  responses: { 200: { description: 'borrowers by name', content: { 'application/json': { schema: Page(Borrower) } } }, ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST') },
});
const get = createRoute({
  method: 'get', path: '/api/borrowers/{id}', summary: 'One borrower',
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: { 200: { description: 'the borrower', content: { 'application/json': { schema: z.object({ borrower: Borrower }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});
const create = createRoute({
  method: 'post', path: '/api/borrowers', summary: 'Add a borrower to a society of my upazila',
  request: { body: { content: { 'application/json': { schema: NewBorrower } }, required: true } },
  responses: { 201: { description: 'created', content: { 'application/json': { schema: z.object({ borrower: Borrower }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT') },
});

export function registerBorrowers(app: App, { sql }: AppDeps): void {
  app.openapi(list, async (c) => {
    const actor = requireActor(c);
    const { cursor, limit, societyId, officeId, q, sort } = c.req.valid('query');
    const after = decodeCursor(cursor);
    const { column, desc } = parseSort(sort, BORROWER_SORTS, 'name');
    const dir = sql.unsafe(desc ? 'DESC' : 'ASC');
    const rows = await sql<z.infer<typeof Borrower>[]>`
      ${select(sql)}
      WHERE ${scopeFilter(sql, actor, { office: 's.office_id', society: 'b.society_id' })}
        ${societyId ? sql`AND b.society_id = ${societyId}` : sql``}
        ${officeId ? sql`AND s.office_id IN (SELECT id FROM office_subtree(${officeId}))` : sql``}
        ${q ? sql`AND (b.name ILIKE ${`%${q}%`} OR b.mobile = ${q} OR b.nid = ${q})` : sql``}
        ${after ? sql`AND (${sql.unsafe(column.expr)}, b.id) ${sql.unsafe(desc ? '<' : '>')} (${String(after.k)}::text::${sql.unsafe(column.type)}, ${after.id}::uuid)` : sql``}
      ORDER BY ${sql.unsafe(column.expr)} ${dir}, b.id ${dir} LIMIT ${limit + 1}`;
    return c.json(page(rows, limit, (r) => ({ k: r[column.key as keyof typeof r] as string, id: r.id })), 200);
  });

  app.openapi(get, async (c) => {
    const actor = requireActor(c);
    const [b] = await sql<z.infer<typeof Borrower>[]>`${select(sql)} WHERE b.id = ${c.req.valid('param').id}`;
    if (!b) throw new ApiError('NOT_FOUND', 'no borrower here');
    await assertCanRead(sql, actor, { officeId: b.officeId, societyId: b.societyId }, 'borrower');
    return c.json({ borrower: b }, 200);
  });

  app.openapi(create, async (c) => {
    const actor = requireActor(c);
    const body = c.req.valid('json');
    const [society] = await sql<{ office_id: string }[]>`SELECT office_id FROM societies WHERE id = ${body.societyId}`;
    if (!society) throw new ApiError('NOT_FOUND', `no society ${body.societyId} here`, 'societyId');
    await assertCanWrite(sql, actor, 'borrower.create', { officeId: society.office_id, societyId: body.societyId }, 'society');
    const id = randomUUID();
    try {
      await sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, mobile, nid, barrack_no, room_no)
        VALUES (${id}, ${body.societyId}, ${body.name}, ${body.fatherOrHusbandName}, ${body.mobile ?? null}, ${body.nid ?? null},
          ${body.barrackNo ?? null}, ${body.roomNo ?? null})`;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new ApiError('CONFLICT', `a borrower with NID ${body.nid} already exists`, 'nid');
      throw err;
    }
    const [b] = await sql<z.infer<typeof Borrower>[]>`${select(sql)} WHERE b.id = ${id}`;
    return c.json({ borrower: b! }, 201);
  });
}
