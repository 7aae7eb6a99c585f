// GET /api/exports/{report}.{format}: a report as a CSV or XLSX file. The data comes from the
// report's own JSON endpoint, asked in-process with the caller's session, so scope, validation and
// every number are exactly those of the JSON; this file only lays them out.
import { createRoute, z } from '@hono/zod-openapi';
import { bnDate } from '../../domain/bengali';
import { toDhakaDate } from '../../domain/dhaka-time';
import type { Sql } from '../../db/client';
import { requireActor } from '../access/require-actor';
import type { App, AppDeps } from '../app-env';
import { errorResponses } from '../errors';
import { PeriodQuery, reportOffice, type CollectionReportBody, type InstallmentsDueBody } from '../routes/reports';
import { toCsv } from './csv';
import { blacklistTable, collectionTable, defaultersTable, installmentsDueTable, type BlacklistBody, type DefaultersBody, type Names, type ReportName } from './tables';
import { filePart, type Table } from './table';
import { toPdf } from './pdf';
import { toXlsx } from './xlsx';

const REPORTS = ['defaulters', 'blacklist', 'installments-due', 'collection'] as const satisfies readonly ReportName[];
const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
type Format = (typeof FORMATS)[number];
const FILES = REPORTS.flatMap((r) => FORMATS.map((f) => `${r}.${f}`)) as [string, ...string[]];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ExportQuery = PeriodQuery.extend({
  asOf: z.string().datetime({ offset: true }).optional().describe('defaulters only: status and arrears as of this moment'),
  includeSettled: z.enum(['true', 'false']).default('false').describe('blacklist only'),
  lang: z.enum(['bn', 'en']).default('bn').describe('header language; Bengali unless en'),
});
type Query = z.infer<typeof ExportQuery>;

const exportRoute = createRoute({
  method: 'get', path: '/api/exports/{file}',
  summary: 'A report as a file: {defaulters|blacklist|installments-due|collection}.{csv|xlsx|pdf}, same query parameters as its JSON endpoint; the PDF is the printable, signed monthly report',
  request: { params: z.object({ file: z.enum(FILES) }), query: ExportQuery },
  responses: {
    200: {
      description: 'the file (CSV: UTF-8 with BOM; XLSX: title row, header row, money in taka; PDF: A4 with the office name and a signature line)',
      content: { 'text/csv': { schema: z.string() }, [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) }, 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND'),
  },
});

/** The JSON endpoint a report is read from, with the query parameters it understands. */
function source(report: ReportName, q: Query): string {
  const params = new URLSearchParams();
  const put = (key: string, value: string | undefined) => value !== undefined && params.set(key, value);
  if (report === 'blacklist') {
    put('includeSettled', q.includeSettled);
    return `/api/blacklist?${params}`;
  }
  put('officeId', q.officeId);
  if (report === 'defaulters') {
    put('asOf', q.asOf);
    params.set('limit', '500');
    return `/api/defaulters?${params}`;
  }
  put('from', q.from);
  put('to', q.to);
  return `/api/reports/${report}?${params}`;
}

async function lookupNames(sql: Sql, officeIds: string[], societyIds: string[], loanIds: string[]): Promise<Names> {
  const offices = await sql<{ id: string; name_bn: string; name_en: string }[]>`
    SELECT id, name_bn, name_en FROM offices WHERE id = ANY(${sql.array(officeIds)}::text[])`;
  const societies = await sql<{ id: string; name_bn: string; name_en: string }[]>`
    SELECT id, name_bn, name_en FROM societies WHERE id = ANY(${sql.array(societyIds)}::text[])`;
  const loans = await sql<{ id: string; code: string }[]>`SELECT id::text, code FROM loans WHERE id::text = ANY(${sql.array(loanIds)}::text[])`;
  const byId = (rows: { id: string; name_bn: string; name_en: string }[]) => new Map(rows.map((r) => [r.id, { bn: r.name_bn, en: r.name_en }]));
  return { offices: byId(offices), societies: byId(societies), loanCodes: new Map(loans.map((l) => [l.id, l.code])) };
}

export function registerExports(app: App, { sql }: AppDeps): void {
  app.openapi(exportRoute, async (c) => {
    const actor = requireActor(c);
    const { file } = c.req.valid('param');
    const q = c.req.valid('query');
    const dot = file.lastIndexOf('.');
    const report = file.slice(0, dot) as ReportName;
    const format = file.slice(dot + 1) as Format;
    // The office named in the title and file name; also the scope check for reports whose JSON has none.
    const office = await reportOffice(sql, actor, q.officeId);
    const place = { id: office.id, bn: office.nameBn, en: office.nameEn };

    const forward = { cookie: c.req.header('cookie') ?? '', 'x-request-id': c.get('requestId') };
    const res = await app.request(source(report, q), { headers: forward });
    if (res.status !== 200) return res;
    const json = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
    // A paged list (the defaulters) goes into the file whole: every page after the first.
    for (let next = json.nextCursor; next; ) {
      const more = await app.request(`${source(report, q)}&cursor=${encodeURIComponent(next)}`, { headers: forward });
      if (more.status !== 200) return more;
      const body = (await more.json()) as { items: unknown[]; nextCursor: string | null };
      json.items!.push(...body.items);
      next = body.nextCursor;
    }

    let table: Table;
    let when: string;
    if (report === 'collection' || report === 'installments-due') {
      const body = json as CollectionReportBody | InstallmentsDueBody;
      table = report === 'collection' ? collectionTable(body as CollectionReportBody, q.lang) : installmentsDueTable(body as InstallmentsDueBody, q.lang);
      when = `${body.period.from}_${body.period.to}`;
    } else if (report === 'defaulters') {
      const body = json as DefaultersBody;
      const names = await lookupNames(sql, body.items.map((i) => i.officeId), body.items.map((i) => i.societyId), []);
      table = defaultersTable(body, place, names, q.lang);
      when = toDhakaDate(Date.parse(body.asOf));
    } else {
      const body = json as BlacklistBody;
      // The blacklist endpoint has no office filter; keep the listings at and below the office asked for.
      const subtree = new Set((await sql<{ id: string }[]>`SELECT id FROM office_subtree(${office.id})`).map((r) => r.id));
      const items = body.items.filter((i) => subtree.has(i.officeId));
      const names = await lookupNames(sql, items.map((i) => i.officeId), [], items.map((i) => i.loanId));
      when = toDhakaDate(Date.now());
      table = blacklistTable({ items }, place, names, when, q.lang);
    }

    const filename = `${report}_${filePart(office.id)}_${when}.${format}`;
    const headers = { 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' };
    if (format === 'csv') return c.body(toCsv(table, q.lang), 200, { ...headers, 'content-type': 'text/csv; charset=utf-8' });
    if (format === 'xlsx') return c.body(new Uint8Array(await toXlsx(table, q.lang)), 200, { ...headers, 'content-type': XLSX_TYPE });
    const today = toDhakaDate(Date.now());
    const pdf = await toPdf(table, q.lang, { officeName: q.lang === 'bn' ? place.bn : place.en, preparedOn: q.lang === 'bn' ? bnDate(today) : today });
    return c.body(new Uint8Array(pdf), 200, { ...headers, 'content-type': 'application/pdf' });
  });
}
