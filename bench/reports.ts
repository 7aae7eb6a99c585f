// The two reports the issue names, over about a million installments: a district's defaulter list
// (GET /api/defaulters?officeId=<district>, now and as of a past date) and the national collection
// report (GET /api/reports/collection as headquarters). BENCH_LOANS loans (default 85 000 × 12 =
// 1 020 000 installments) are seeded straight into PostgreSQL in one district (the worst case: every
// loan is in the district's list). Each route is called through the Hono app in-process with a real
// session (access checks, validation, JSON) BENCH_REQUESTS times after a warm-up, beside the bare
// work behind it in the same rounds: the defaulter list's SQL text run directly, and
// collectionReport() called directly, and the same report replayed from the audit trail (its
// definition, source 'history'). The national report is measured for the last 12 months up to today
// (a period that has not ended) and for the 12 months up to the 1st of this month (ended). Both read
// the day figures (0017_report_day_figures.sql), folded after seeding as the worker folds them.
// Aims: defaulter list p95 < 50 ms, national report p95 < 1 s.
// Prints one JSON line.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { Actor } from '../api/access/actor';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { defaultersAsOf } from '../api/routes/defaulters';
import { collectionReport, reportOffice, resolvePeriod } from '../api/routes/reports';
import { foldReportDayChanges } from '../db/report-day-figures';
import { addMonths, toDhakaDate } from '../domain/dhaka-time';
import { ms, percentile, rounds, seedDistrict } from './district-data';
import { startBenchInfra } from './infra';

const LOANS = Number(process.env.BENCH_LOANS ?? 85_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const PASSWORD = 'bench password 123';

const infra = await startBenchInfra('reports');
try {
  const sql = await infra.database('bench', 10);
  const t0 = performance.now();
  const seeded = await seedDistrict(sql, LOANS);
  const seedSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const folded = await foldReportDayChanges(sql);
  const foldSeconds = (performance.now() - t1) / 1000;
  const [{ figureRows }] = await sql<[{ figureRows: number }]>`SELECT count(*)::int AS "figureRows" FROM report_day_figures`;

  const user = async (username: string, role: Actor['role'], officeId: string): Promise<Actor> => {
    const actor: Actor = { id: randomUUID(), username, name: username, role, officeId, societyId: null, language: 'bn', mustChangePassword: false };
    await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES (${actor.id}, ${username}, ${username}, ${role}, ${officeId}, ${await hashPassword(PASSWORD)}, 'bench')`;
    return actor;
  };
  const dco = await user('dco-bench', 'district_officer', 'JHENAIDAH');
  const hq = await user('hq-bench', 'hq_admin', 'BD');
  const temporal = { workflow: { start: async () => undefined } } as unknown as Client; // the reports only read
  const app = createApp({ sql, temporal, taskQueue: 'bench' });
  const login = async (username: string) => {
    const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: username, password: PASSWORD }) });
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  const [dcoCookie, hqCookie] = [await login(dco.username), await login(hq.username)];

  const thisMonth = `${toDhakaDate(Date.now()).slice(0, 8)}01`;
  const from = addMonths(thisMonth, -12);
  const asOf = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const get = async (url: string, cookie: string) => {
    const res = await app.request(url, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  // The bare baseline: the whole list summed from the installments in one statement (what the route
  // did before it paged and kept each loan's unpaid figure), and the as-of list's own SQL
  // (defaultersAsOf), for the district, without the access filter, paging, validation and JSON. The route answers its first page (50)
  // with the whole list's count and total.
  const bareNow = (at: Date) => sql`
    SELECT l.id, l.code, b.name, o.name_bn, s.name_bn, l.status,
      coalesce(m.unpaid_due, 0)::bigint AS unpaid, (l.total_owed_poisha - coalesce(m.paid, 0))::bigint AS outstanding
    FROM loans l JOIN borrowers b ON b.id = l.borrower_id JOIN offices o ON o.id = l.office_id JOIN societies s ON s.id = l.society_id
    LEFT JOIN LATERAL (
      SELECT sum(i.amount_poisha - i.paid_poisha) FILTER (WHERE i.due_at <= ${at}) AS unpaid_due, sum(i.paid_poisha) AS paid
      FROM installments i WHERE i.loan_id = l.id) m ON true
    WHERE l.status IN ('defaulted', 'blacklisted') AND l.office_id IN (SELECT id FROM office_subtree('JHENAIDAH'))
    ORDER BY unpaid DESC, l.code`;
  const bareAsOf = (at: Date) => sql`${defaultersAsOf(sql, sql`l.office_id IN (SELECT id FROM office_subtree('JHENAIDAH'))`, at)} ORDER BY unpaid DESC, l.code`;

  let defaulters = 0;
  let pageSize = 0;
  const office = await reportOffice(sql, hq, undefined);
  const period = resolvePeriod({ from, to: thisMonth });
  const today = toDhakaDate(Date.now());
  const livePeriod = resolvePeriod({ from, to: today });
  const t = await rounds(REQUESTS, {
    defaultersRoute: async () => {
      const first = await get('/api/defaulters?officeId=JHENAIDAH', dcoCookie);
      defaulters = first.total as number;
      pageSize = (first.items as unknown[]).length;
    },
    defaultersBare: async () => void (await bareNow(new Date())),
    defaultersAsOfRoute: async () => void (await get(`/api/defaulters?officeId=JHENAIDAH&asOf=${encodeURIComponent(asOf)}`, dcoCookie)),
    defaultersAsOfBare: async () => void (await bareAsOf(new Date(asOf))),
    nationalRoute: async () => void (await get(`/api/reports/collection?from=${from}&to=${thisMonth}`, hqCookie)),
    nationalBare: async () => void (await collectionReport(sql, hq, office, period)),
    nationalLiveRoute: async () => void (await get(`/api/reports/collection?from=${from}&to=${today}`, hqCookie)),
    nationalLiveBare: async () => void (await collectionReport(sql, hq, office, livePeriod)),
    nationalReplayed: async () => void (await collectionReport(sql, hq, office, period, Date.now(), 'history')),
  });
  const stat = (k: string) => ({ p50: ms(percentile(t[k]!, 50)), p95: ms(percentile(t[k]!, 95)) });
  const [{ bytes }] = await sql<[{ bytes: string }]>`SELECT pg_database_size(current_database())::text AS bytes`;
  const r = Object.fromEntries(Object.keys(t).map((k) => [k, stat(k)]));
  console.log(JSON.stringify({
    bench: 'reports',
    ...seeded,
    seedSeconds: +seedSeconds.toFixed(1),
    dayFigureChangesFolded: folded,
    dayFigureRows: figureRows,
    foldSeconds: +foldSeconds.toFixed(1),
    databaseMb: Math.round(Number(bytes) / 1024 / 1024),
    defaultersInTheList: defaulters,
    defaultersPerPage: pageSize,
    requests: REQUESTS,
    defaultersMs: r.defaultersRoute,
    defaultersBareSqlMs: r.defaultersBare,
    defaultersRatio: +(r.defaultersRoute!.p95 / r.defaultersBare!.p95).toFixed(2),
    defaultersAsOfMs: r.defaultersAsOfRoute,
    defaultersAsOfBareSqlMs: r.defaultersAsOfBare,
    nationalCollectionMs: r.nationalRoute,
    nationalCollectionBareMs: r.nationalBare,
    nationalRatio: +(r.nationalRoute!.p95 / r.nationalBare!.p95).toFixed(2),
    nationalToTodayMs: r.nationalLiveRoute,
    nationalToTodayBareMs: r.nationalLiveBare,
    nationalToTodayRatio: +(r.nationalLiveRoute!.p95 / r.nationalLiveBare!.p95).toFixed(2),
    nationalReplayedFromHistoryMs: r.nationalReplayed,
    nationalVsReplayedRatio: +(r.nationalRoute!.p95 / r.nationalReplayed!.p95).toFixed(2),
    aims: { defaultersP95Under50ms: r.defaultersRoute!.p95 < 50, nationalP95Under1s: r.nationalRoute!.p95 < 1000, nationalToTodayP95Under1s: r.nationalLiveRoute!.p95 < 1000 },
    cpus: os.cpus().length,
  }));
  await sql.end();
} finally {
  await infra.stop();
}
