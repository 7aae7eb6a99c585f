// GET /api/network/evaluation.pdf: the network's evaluation for an office and period as a signed A4
// report in Bengali. The figures come from the JSON endpoints (tcv, targets, quarterly) asked
// in-process with the caller's session, so scope and every number are exactly theirs.
import { createRoute, z } from '@hono/zod-openapi';
import { bnDate } from '../../domain/bengali';
import { toDhakaDate } from '../../domain/dhaka-time';
import { htmlToPdf } from '../../runtime/chromium';
import { requireActor } from '../access/require-actor';
import type { App, AppDeps } from '../app-env';
import { errorResponses } from '../errors';
import { evaluationHtml, type EvaluationFigures } from '../exports/evaluation-html';
import { policyReader } from '../policy-reader';
import { Id } from '../schemas';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const route = createRoute({
  method: 'get', path: '/api/network/evaluation.pdf',
  summary: "The network's evaluation report (TCV against the paper baseline, enrolment against targets, the latest quarterly lists) as a Bengali A4 PDF with a signature line",
  request: { query: z.object({ officeId: Id.optional(), from: DateText.optional(), to: DateText.optional() }) },
  responses: {
    200: { description: 'the PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errorResponses('UNAUTHORIZED', 'BAD_REQUEST', 'NOT_FOUND'),
  },
});

interface Targets { year: number; items: { officeId: string; officeNameBn: string; months: { month: number; target: number | null; enrolled: number }[] }[] }
interface Quarterly { items: { officeNameBn: string; quarter: string; societies: { active: boolean }[] }[] }

export function registerNetworkEvaluationPdf(app: App, deps: AppDeps): void {
  const { sql } = deps;
  const policy = deps.policy ?? policyReader();

  app.openapi(route, async (c) => {
    const actor = requireActor(c);
    const q = c.req.valid('query');
    const ask = async (path: string, params: Record<string, string | undefined>): Promise<Response> => {
      const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
      return app.request(`${path}?${search}`, { headers: { cookie: c.req.header('cookie') ?? '', 'x-request-id': c.get('requestId') } });
    };
    // The TCV endpoint checks the office and the dates; its refusal is ours.
    const tcvRes = await ask('/api/network/tcv', { officeId: q.officeId, from: q.from, to: q.to });
    if (tcvRes.status !== 200) return tcvRes;
    const tcv = (await tcvRes.json()) as EvaluationFigures['tcv'] & { from: string; to: string };
    const year = tcv.to.slice(0, 4);
    const [targets, quarterly] = await Promise.all([
      ask('/api/network/targets', { officeId: q.officeId, year }).then((r) => r.json() as Promise<Targets>),
      ask('/api/network/quarterly', { officeId: q.officeId }).then((r) => r.json() as Promise<Quarterly>),
    ]);
    // Months of the period that fall in its last year (targets are kept per month).
    const first = tcv.from.slice(0, 4) === year ? Number(tcv.from.slice(5, 7)) : 1;
    const last = Number(tcv.to.slice(5, 7));
    const inPeriod = (m: number) => m >= first && m <= last;
    const officeId = q.officeId ?? actor.officeId;
    const [office] = await sql<{ name_bn: string }[]>`SELECT name_bn FROM offices WHERE id = ${officeId}`;
    const html = evaluationHtml({
      officeName: office?.name_bn ?? officeId,
      from: tcv.from,
      to: tcv.to,
      preparedOn: bnDate(toDhakaDate(Date.now())),
      tcv,
      baseline: (await policy.get()).files.notices.content.evaluation,
      targets: targets.items.map((u) => {
        const months = u.months.filter((m) => inPeriod(m.month));
        return { nameBn: u.officeNameBn, target: months.reduce((s, m) => s + (m.target ?? 0), 0), enrolled: months.reduce((s, m) => s + m.enrolled, 0) };
      }),
      quarterly: quarterly.items.map((r) => ({ nameBn: r.officeNameBn, quarter: r.quarter, active: r.societies.filter((s) => s.active).length, inactive: r.societies.filter((s) => !s.active).length })),
    });
    const footer = '<div style="font-size:8pt;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>';
    const pdf = await htmlToPdf(html, { footer });
    const filename = `network-evaluation_${officeId.replace(/[^A-Za-z0-9-]/g, '_')}_${tcv.from}_${tcv.to}.pdf`;
    return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
  });
}
