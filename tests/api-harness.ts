// An in-process API over the loan harness: a national office tree with siblings at every level,
// one account per role, a society and borrower (with a running loan) in every upazila, and a
// `request` helper that logs in as any of them.
import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../api/access/actor';
import { hashPassword } from '../api/auth/passwords';
import { createApp } from '../api/app';
import type { App } from '../api/app-env';
import type { Sql } from '../db/client';
import { createHarness, type Harness } from './loan-harness';

// BD ─┬─ KHULNA ─┬─ JHENAIDAH ─┬─ JHENAIDAH-SADAR   (SOC-1 is seeded here by the loan harness)
//     │          │             └─ JHENAIDAH-KALIGANJ
//     │          └─ MAGURA ──── MAGURA-SADAR
//     └─ DHAKA ─── DHAKA-DIST ─ SAVAR
export const OFFICES: { id: string; parent: string; level: string }[] = [
  { id: 'JHENAIDAH-KALIGANJ', parent: 'JHENAIDAH', level: 'upazila' },
  { id: 'MAGURA', parent: 'KHULNA', level: 'district' },
  { id: 'MAGURA-SADAR', parent: 'MAGURA', level: 'upazila' },
  { id: 'DHAKA', parent: 'BD', level: 'division' },
  { id: 'DHAKA-DIST', parent: 'DHAKA', level: 'district' },
  { id: 'SAVAR', parent: 'DHAKA-DIST', level: 'upazila' },
];
export const UPAZILAS = ['JHENAIDAH-SADAR', 'JHENAIDAH-KALIGANJ', 'MAGURA-SADAR', 'SAVAR'];
export const PARENT: Record<string, string | null> = {
  BD: null, KHULNA: 'BD', JHENAIDAH: 'KHULNA', 'JHENAIDAH-SADAR': 'JHENAIDAH',
  ...Object.fromEntries(OFFICES.map((o) => [o.id, o.parent])),
};
export const societyOf = (upazila: string) => (upazila === 'JHENAIDAH-SADAR' ? 'SOC-1' : `SOC-${upazila}`);

/** Where each role's test account sits. */
export const ACCOUNT_OFFICE: Record<Role, string> = {
  hq_admin: 'BD',
  divisional_officer: 'KHULNA',
  district_officer: 'JHENAIDAH',
  upazila_officer: 'JHENAIDAH-SADAR',
  collector: 'JHENAIDAH-SADAR',
  auditor: 'JHENAIDAH',
  society_rep: 'JHENAIDAH-SADAR',
};

export const PASSWORD = 'correct horse battery';

export interface ApiHarness {
  h: Harness;
  app: App;
  sql: Sql;
  accounts: Record<Role, Actor>;
  borrowers: Record<string, string>;
  loans: Record<string, string>;
  login(username: string, password?: string): Promise<string>;
  as(role: Role): Promise<string>;
  request(cookie: string | null, method: string, path: string, body?: unknown): Promise<Response>;
  addUser(role: Role, officeId: string, opts?: { societyId?: string; username?: string }): Promise<Actor>;
  close(): Promise<void>;
}

export async function createApiHarness(): Promise<ApiHarness> {
  const h = await createHarness();
  const sql = h.sql;
  for (const o of OFFICES) {
    await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES (${o.id}, ${o.parent}, ${o.level}, ${o.id}, ${o.id})`;
  }
  for (const u of UPAZILAS.filter((u) => u !== 'JHENAIDAH-SADAR')) {
    await sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name) VALUES (${societyOf(u)}, ${u}, 'সমিতি', 'Society', 'আশ্রয়ণ-২')`;
  }
  const hash = await hashPassword(PASSWORD);
  const addUser = async (role: Role, officeId: string, opts: { societyId?: string; username?: string } = {}): Promise<Actor> => {
    const actor: Actor = {
      id: randomUUID(),
      username: opts.username ?? `${role.replace(/_/g, '-')}-${randomUUID().slice(0, 6)}`,
      name: role,
      role,
      officeId,
      societyId: role === 'society_rep' ? (opts.societyId ?? societyOf(officeId)) : null,
      language: 'bn',
      mustChangePassword: false,
    };
    await sql`INSERT INTO users (id, username, name, role, office_id, society_id, password_hash, created_by)
      VALUES (${actor.id}, ${actor.username}, ${actor.name}, ${role}, ${officeId}, ${actor.societyId}, ${hash}, 'test')`;
    return actor;
  };
  const accounts = {} as Record<Role, Actor>;
  for (const [role, office] of Object.entries(ACCOUNT_OFFICE) as [Role, string][]) accounts[role] = await addUser(role, office);

  const borrowers: Record<string, string> = {};
  const loans: Record<string, string> = {};
  for (const u of UPAZILAS) {
    const id = randomUUID();
    await sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, mobile) VALUES (${id}, ${societyOf(u)}, ${`Borrower ${u}`}, 'Father', '01712345678')`;
    borrowers[u] = id;
    const loan = await h.disburse({ borrowerId: id, productCode: 'MONTHLY', principalPoisha: 1_200_000 });
    loans[u] = loan.loanId;
  }
  for (const id of Object.values(loans)) await h.waitFor(id, (v) => v.status === 'active');

  const app = createApp({ sql, temporal: h.temporal, taskQueue: h.taskQueue, policy: h.policy });
  const request = async (cookie: string | null, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const cookies = new Map<string, string>();
  const login = async (username: string, password = PASSWORD) => {
    const res = await request(null, 'POST', '/api/auth/login', { login: username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  return {
    h,
    app,
    sql,
    accounts,
    borrowers,
    loans,
    login,
    as: async (role) => {
      if (!cookies.has(role)) cookies.set(role, await login(accounts[role].username));
      return cookies.get(role)!;
    },
    request,
    addUser,
    close: () => h.close(),
  };
}
