// The dashboard page for a district with BENCH_LOANS loans (default 10 000) on this machine: a
// district (6 upazilas, 22 societies) seeded straight into PostgreSQL with twelve months of
// installments, payments, allocations and status events (no workflows: the page only reads), then
// GET / with a logged-in district officer's cookie, served by api/serve-web-and-api.ts with the built
// web app, BENCH_REQUESTS times (default 30) after a warm-up. Beside it, the bare queries behind the
// page (dashboard(), the corrections inbox and unmatched payments) called directly, so the ratio is
// what the web and API layers add. Target: p95 page render under 1 s. Prints one JSON line.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Actor } from '../api/access/actor';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { dashboard, dashboardExtras } from '../api/routes/dashboard';
import { collectionReport, reportOffice, resolvePeriod } from '../api/routes/reports';
import { loadWebHandler, serveWebAndApi } from '../api/serve-web-and-api';
import { ms, percentile, rounds, seedDistrict } from './district-data';
import { startBenchInfra } from './infra';

const LOANS = Number(process.env.BENCH_LOANS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const PASSWORD = 'bench password 123';

const infra = await startBenchInfra('dashboard');
try {
  const sql = await infra.database('bench', 10);
  const t0 = performance.now();
  const seeded = await seedDistrict(sql, LOANS);
  const seedMs = performance.now() - t0;

  const actor: Actor = { id: randomUUID(), username: 'dco-bench', name: 'DCO', role: 'district_officer', officeId: 'JHENAIDAH', societyId: null, language: 'bn', mustChangePassword: false };
  await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES (${actor.id}, ${actor.username}, 'DCO', 'district_officer', 'JHENAIDAH', ${await hashPassword(PASSWORD)}, 'bench')`;

  // The page reads; nothing here starts a workflow.
  const temporal = { workflow: { start: async () => undefined } } as unknown as Client;
  const app = createApp({ sql, temporal, taskQueue: 'bench' });
  const web = await loadWebHandler();
  if (!web) throw new Error('web/build is missing: run node scripts/build-web.mjs');
  const server = serveWebAndApi(app, web);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: actor.username, password: PASSWORD }) });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  let bytes = 0;
  const office = await reportOffice(sql, actor, undefined);
  const t = await rounds(REQUESTS, {
    page: async () => {
      const res = await fetch(`${base}/`, { headers: { cookie } });
      const html = await res.text();
      if (res.status !== 200 || !html.includes('data-testid="in-grace"')) throw new Error(`GET / answered ${res.status}: ${html.slice(0, 300)}`);
      bytes = html.length;
    },
    api: async () => {
      const res = await fetch(`${base}/api/reports/dashboard`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`dashboard API answered ${res.status}`);
      await res.arrayBuffer();
    },
    // The page's queries, bare: the dashboard's two statements and the two tile lists, side by side as the page runs them.
    sql: async () => {
      await Promise.all([
        dashboard(sql, actor, undefined),
        sql`SELECT id FROM correction_requests WHERE status = 'pending' AND awaiting_office_id = ${actor.officeId}`,
        sql`SELECT id FROM payments WHERE status = 'received' AND loan_id IS NULL AND office_id IN (SELECT id FROM office_subtree(${actor.officeId}))`,
      ]);
    },
    report: async () => void (await collectionReport(sql, actor, office, resolvePeriod({}))),
    extras: async () => void (await dashboardExtras(sql, actor, office.id, Date.now())),
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sql.end();

  const p = (name: string, q: number) => ms(percentile(t[name]!, q));
  console.log(
    JSON.stringify({
      bench: 'dashboard',
      loans: seeded.loans,
      installments: seeded.installments,
      payments: seeded.payments,
      requests: REQUESTS,
      seedSec: +(seedMs / 1000).toFixed(1),
      pageP50Ms: p('page', 50),
      pageP95Ms: p('page', 95),
      apiP50Ms: p('api', 50),
      apiP95Ms: p('api', 95),
      sqlP50Ms: p('sql', 50),
      sqlP95Ms: p('sql', 95),
      collectionReportSqlP50Ms: p('report', 50),
      extrasSqlP50Ms: p('extras', 50),
      pageToSqlRatio: +(p('page', 50) / p('sql', 50)).toFixed(2),
      pageBytes: bytes,
      underOneSecond: p('page', 95) < 1000,
    }),
  );
} finally {
  await infra.stop();
}
