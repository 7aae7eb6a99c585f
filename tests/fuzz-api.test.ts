// Every route in the OpenAPI document, fed property-based garbage: random path parameters, query
// strings, JSON and multipart bodies and headers, as nobody, as a collector and as headquarters.
// Whatever comes in: never a 5xx, never a stack trace or a file path, always the one error shape,
// and a refused request changes nothing in the database.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from './api-harness';

let api: ApiHarness;
let ops: { method: string; path: string; params: { name: string; in: string }[]; body: string | null; props: string[] }[] = [];
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
let tried = 0;
const statuses = new Map<number, number>();
const sessions = new Map<string, string>();
/** A session per role, made again when a fuzzed logout ended it. */
async function session(role: 'collector' | 'hq_admin'): Promise<string> {
  if (!sessions.has(role)) sessions.set(role, await api.login(api.accounts[role].username));
  return sessions.get(role)!;
}

/** Tables whose contents a refused request must leave alone (login attempts and sessions are the rate limiter's own record). */
const WATCHED = ['offices', 'societies', 'borrowers', 'loans', 'installments', 'payments', 'payment_allocations', 'loan_events', 'blacklist', 'users',
  'correction_requests', 'imports', 'notices', 'notice_groups', 'notice_deliveries', 'society_leaders', 'group_members', 'comm_groups', 'enrolment_targets'];

async function fingerprint(): Promise<string> {
  const existing = new Set((await api.sql<{ t: string }[]>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'`).map((r) => r.t));
  const parts: string[] = [];
  for (const t of WATCHED.filter((x) => existing.has(x))) {
    const [r] = await api.sql.unsafe(`SELECT count(*)::text AS n, coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') AS h FROM ${t} x`);
    parts.push(`${t}:${r!.n}:${r!.h}`);
  }
  return parts.join('|');
}

beforeAll(async () => {
  api = await createApiHarness();
  const doc = (await (await api.app.request('/api/openapi.json')).json()) as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>>;
  };
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const contentType = op.requestBody ? Object.keys(op.requestBody.content)[0]! : null;
      ops.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: contentType, props: Object.keys(op.requestBody?.content[contentType ?? '']?.schema?.properties ?? {}) });
    }
  }
  // Streams never end on their own; their refusals are what is fuzzed here (random ids: 404).
  ops = ops.filter((o) => o.path !== '/api/openapi.json');
}, 240_000);
afterAll(async () => {
  console.log(`[fuzz] ${tried} requests over ${ops.length} operations; answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  await api?.close();
});

const weird = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '../../etc/passwd', "' OR 1=1 --", '=HYPERLINK("x")', '০১৭১২৩৪৫৬৭৮', '2026-02-30', 'a'.repeat(5000), '%00', '\u0000', '\ud800'),
  fc.uuid().map(String),
  fc.integer().map(String),
);
const jsonValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }));

function requestFor(op: (typeof ops)[number]) {
  return fc.record({
    pathValues: fc.array(fc.oneof(weird, fc.constantFrom(...Object.values(api.loans))), { minLength: 4, maxLength: 4 }),
    query: fc.dictionary(fc.oneof(fc.constantFrom(...op.params.filter((p) => p.in === 'query').map((p) => p.name), 'x', 'limit', 'cursor'), fc.string({ maxLength: 8 })), weird, { maxKeys: 4 }),
    body: fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom(...op.props, 'x'), fc.string({ maxLength: 6 })), jsonValue, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"admin":true}}', '{"a":'.repeat(200)),
    ),
    contentType: fc.constantFrom(op.body ?? 'application/json', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ''),
    who: fc.constantFrom<'none' | 'collector' | 'hq_admin' | 'garbage'>('none', 'collector', 'hq_admin', 'garbage'),
  });
}

describe('fuzzing every route', () => {
  it('answers garbage without a 5xx, a stack trace or a change to the database', async () => {
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (r) => {
          let i = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(r.pathValues[i++] ?? 'x'));
          const qs = new URLSearchParams(r.query).toString();
          const cookie = r.who === 'none' ? undefined : r.who === 'garbage' ? 'asrayon_session=garbage; x=%%%' : await session(r.who);
          const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(r.contentType ? { 'content-type': r.contentType } : {}) };
          const before = op.method === 'GET' ? null : await fingerprint();
          const res = await api.app.request(`${path}${qs ? `?${qs}` : ''}`, { method: op.method, headers, ...(op.method === 'GET' ? {} : { body: r.body }) });
          tried += 1;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          // A logout or password change may have ended the session: log in again next time.
          if (r.who === 'collector' || r.who === 'hq_admin') {
            if (res.status < 300 && /\/api\/auth\/(logout|password)/.test(op.path)) sessions.delete(r.who);
          }
          const text = await res.text();
          const where = `${op.method} ${path}?${qs} as ${r.who} (${r.contentType}) → ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, where).toBeLessThan(500);
          expect(text, where).not.toMatch(/\n\s+at |node_modules|\/work\/|\.ts:\d+/);
          if (res.status >= 400) {
            const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
            expect(typeof body.error?.code, where).toBe('string');
            expect(typeof body.error?.message, where).toBe('string');
            if (before !== null) expect(await fingerprint(), where).toBe(before);
          }
        }),
        { numRuns: RUNS, seed: 20261122, endOnFailure: true },
      );
    }
    // The fuzz reached past the front door: signed-in requests got answers other than 401.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].some((s) => s === 404 || s === 403)).toBe(true);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
  }, 1_200_000);
});
