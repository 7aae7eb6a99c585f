// Session fixation, cross-site request forgery (API and the web app's form actions), and misuse of
// password reset and deactivation. The role × endpoint × office matrix is tests/api-access-matrix.test.ts;
// login lockout is in api/routes/auth.test.ts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createApp } from '../api/app';
import { SESSION_COOKIE } from '../api/auth/sessions';
import { loadWebHandler, serveWebAndApi } from '../api/serve-web-and-api';
import { createApiHarness, PASSWORD, type ApiHarness } from './api-harness';

let api: ApiHarness;
let server: Server;
let base: string;

beforeAll(async () => {
  api = await createApiHarness();
  const web = await loadWebHandler();
  if (!web) throw new Error('web/build is missing (npm test builds it)');
  server = serveWebAndApi(api.app, web);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await api?.close();
});

const sessionOf = (res: Response) => /asrayon_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;
const me = (token: string) => api.request(`${SESSION_COOKIE}=${token}`, 'GET', '/api/auth/me');

describe('session fixation', () => {
  it('never adopts a session id the browser brought to the login: made up, or another user\'s', async () => {
    const victim = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const attacker = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const attackersSession = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: attacker.username, password: PASSWORD }))!;
    for (const planted of ['planted-by-the-attacker-0000000000000000000', attackersSession]) {
      const res = await api.request(`${SESSION_COOKIE}=${planted}`, 'POST', '/api/auth/login', { login: victim.username, password: PASSWORD });
      expect(res.status).toBe(200);
      const issued = sessionOf(res)!;
      expect(issued).not.toBe(planted);
      expect(issued).toMatch(/^[\w-]{43}$/);
      expect(((await (await me(issued)).json()) as { user: { id: string } }).user.id).toBe(victim.id);
    }
    // The planted ids are worth nothing to the victim's account: made up stays invalid, the attacker's stays the attacker's.
    expect((await me('planted-by-the-attacker-0000000000000000000')).status).toBe(401);
    expect(((await (await me(attackersSession)).json()) as { user: { id: string } }).user.id).toBe(attacker.id);

    // The same through the web app's login form, which passes the browser's cookie on to the API.
    for (const planted of ['planted-by-the-attacker-1111111111111111111', attackersSession]) {
      const res = await fetch(`${base}/login`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: `${SESSION_COOKIE}=${planted}`, origin: base, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: victim.username, password: PASSWORD }),
      });
      expect(res.status).toBe(303);
      const issued = sessionOf(res)!;
      expect(issued).toMatch(/^[\w-]{43}$/);
      expect(issued).not.toBe(planted);
      expect(((await (await me(issued)).json()) as { user: { id: string } }).user.id).toBe(victim.id);
    }
    expect((await me('planted-by-the-attacker-1111111111111111111')).status).toBe(401);
    expect(((await (await me(attackersSession)).json()) as { user: { id: string } }).user.id).toBe(attacker.id);
  });

  it('ends the session at logout for good, and a password change ends the user\'s other sessions', async () => {
    const user = await api.addUser('auditor', 'JHENAIDAH');
    const a = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: user.username, password: PASSWORD }))!;
    const b = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: user.username, password: PASSWORD }))!;
    expect((await api.request(`${SESSION_COOKIE}=${a}`, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(200);
    const c = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: user.username, password: PASSWORD }))!;
    expect((await api.request(`${SESSION_COOKIE}=${c}`, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new long passphrase 42' })).status).toBe(204);
    expect((await me(b)).status).toBe(401);
    expect((await me(c)).status).toBe(200);
    // A session that has ended stays ended: logging in again gives a new token and does not revive it.
    const d = sessionOf(await api.request(`${SESSION_COOKIE}=${a}`, 'POST', '/api/auth/login', { login: user.username, password: 'a new long passphrase 42' }))!;
    expect(d).not.toBe(a);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
  });
});

describe('cross-site request forgery', () => {
  it('refuses a write the browser marks as coming from another site, even with a valid session, and writes nothing', async () => {
    const cookie = await api.as('upazila_officer');
    const before = await api.sql`SELECT count(*)::int AS n FROM users`;
    const body = JSON.stringify({ username: 'csrf-made', name: 'X', role: 'collector', officeId: 'JHENAIDAH-SADAR', password: 'a long enough password', language: 'bn' });
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
      { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${base}/api/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    const form = new FormData();
    form.append('file', new File([new Uint8Array(10)], 'ledger.csv'));
    expect((await fetch(`${base}/api/imports`, { method: 'POST', headers: { cookie, origin: 'https://evil.example' }, body: form })).status).toBe(403);
    expect(await api.sql`SELECT count(*)::int AS n FROM users`).toEqual(before);
    expect(await api.sql`SELECT 1 FROM imports WHERE filename = 'ledger.csv'`).toHaveLength(0);

    // The same request from our own pages, or from a client that is not a browser, goes through.
    const own = await fetch(`${base}/api/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' }, body });
    expect(own.status).toBe(201);
    const script = await fetch(`${base}/api/auth/language`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ language: 'bn' }) });
    expect(script.status).toBe(204);
  });

  it('refuses a cross-site upload to each multipart endpoint; the same upload from our own pages is taken', async () => {
    const collector = await api.as('collector');
    const created = await api.request(collector, 'POST', '/api/corrections', { recordKind: 'borrower', recordId: api.borrowers['JHENAIDAH-SADAR'], changes: { name: 'নতুন নাম' }, reason: 'evidence upload test' });
    expect(created.status).toBe(201);
    const correctionId = ((await created.json()) as { correction: { id: string } }).correction.id;
    const pdf = () => {
      const form = new FormData();
      form.append('file', new File([new TextEncoder().encode('%PDF-1.4\n%%EOF\n')], 'evidence.pdf', { type: 'application/pdf' }));
      return form;
    };
    const notice = () => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ category: 'meeting', title: 'forged', body: 'forged notice', groupIds: 'none' })) form.append(k, v);
      return form;
    };
    const statement = () => {
      const form = new FormData();
      form.append('file', new File(['trxID,amount\n'], 'statement.csv'));
      form.append('kind', 'bkash');
      form.append('officeId', 'JHENAIDAH-SADAR');
      return form;
    };
    const uco = await api.as('upazila_officer');
    const crossSite: [string, string, () => FormData, Record<string, string>][] = [
      [collector, `/api/corrections/${correctionId}/attachments`, pdf, { origin: 'https://evil.example' }],
      [collector, `/api/corrections/${correctionId}/attachments`, pdf, { 'sec-fetch-site': 'same-site' }],
      [uco, '/api/notices', notice, { origin: 'https://evil.example' }],
      [uco, '/api/reconciliation/statements', statement, { origin: 'https://evil.example' }],
    ];
    const before = await api.sql`SELECT (SELECT count(*) FROM correction_attachments)::int AS a, (SELECT count(*) FROM notices)::int AS n`;
    for (const [cookie, path, body, headers] of crossSite) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { cookie, ...headers }, body: body() });
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/another site/);
    }
    expect(await api.sql`SELECT (SELECT count(*) FROM correction_attachments)::int AS a, (SELECT count(*) FROM notices)::int AS n`).toEqual(before);

    const own = await fetch(`${base}/api/corrections/${correctionId}/attachments`, { method: 'POST', headers: { cookie: collector, origin: base, 'sec-fetch-site': 'same-origin' }, body: pdf() });
    expect(own.status).toBe(201);
    expect(await api.sql`SELECT filename FROM correction_attachments WHERE request_id = ${correctionId}`).toEqual([{ filename: 'evidence.pdf' }]);
    // Reading is never refused for its origin (links to exports and attachments are followed from anywhere; SameSite=Lax decides the cookie).
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie: collector, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('lets the webhooks through whatever their headers, and trusts PUBLIC_URL as our own origin behind a proxy', async () => {
    const received: string[] = [];
    const app = createApp({
      sql: api.sql, temporal: api.h.temporal, taskQueue: api.h.taskQueue, policy: api.h.policy,
      publicUrl: 'https://asrayon.example',
      whatsappWebhook: { verifyToken: 'vt', appSecret: 'meta-app-secret' },
      bkash: {
        accounts: {
          'JHENAIDAH-SADAR': {
            webhook: { method: 'webhook', account: '01700000000', receive: async (d) => (received.push(d.kind), { kind: 'ignored', code: 'TEST', reason: 'test provider' }) },
          },
        },
      },
    });
    // SNS posts text/plain, a content type a cross-site form can send too; the webhook proves itself by signature instead.
    const sns = await app.request('/api/bkash/webhook/JHENAIDAH-SADAR', {
      method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8', origin: 'https://sns.amazonaws.com', 'sec-fetch-site': 'cross-site' }, body: '{"Type":"Notification"}',
    });
    expect(sns.status).toBe(200);
    expect(received).toEqual(['sns']);
    const raw = '{"object":"whatsapp_business_account","entry":[]}';
    const meta = await app.request('/api/whatsapp/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://graph.facebook.com', 'x-hub-signature-256': `sha256=${createHmac('sha256', 'meta-app-secret').update(raw).digest('hex')}` },
      body: raw,
    });
    expect(meta.status).toBe(200);

    // Behind a proxy the API sees an inner address; the browser's Origin is the public one.
    const cookie = await api.as('auditor');
    const post = (origin: string) =>
      app.request('http://10.0.0.5:3000/api/auth/language', { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify({ language: 'bn' }) });
    expect((await post('https://asrayon.example')).status).toBe(204);
    expect((await post('http://10.0.0.5:3000')).status).toBe(204);
    expect((await post('http://asrayon.example')).status).toBe(403);
    expect((await post('https://asrayon.example.evil.example')).status).toBe(403);
  });

  it('refuses a form action of the web app posted from another site (SvelteKit checks the origin)', async () => {
    const user = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const form = new URLSearchParams({ login: user.username, password: PASSWORD });
    const post = (origin: string) =>
      fetch(`${base}/login`, { method: 'POST', headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
    const forged = await post('https://evil.example');
    expect(forged.status).toBe(403);
    expect(sessionOf(forged)).toBeNull();
    const genuine = await post(base);
    expect(genuine.status).toBe(303);
    expect(sessionOf(genuine)).toMatch(/^[\w-]{43}$/);
  });
});

describe('password reset and deactivation', () => {
  const reset = (cookie: string, id: string) => api.request(cookie, 'POST', `/api/users/${id}/reset-password`, { newPassword: 'temporary secret 77' });

  it('is for someone above the account: never one\'s own, never a colleague of the same or a higher rank', async () => {
    const uco = await api.addUser('upazila_officer', 'JHENAIDAH-SADAR');
    const ucoCookie = await api.login(uco.username);
    const peer = await api.addUser('upazila_officer', 'JHENAIDAH-SADAR');
    const collector = await api.addUser('collector', 'JHENAIDAH-SADAR');

    const self = await reset(ucoCookie, uco.id);
    expect(self.status).toBe(400);
    expect(((await self.json()) as { error: { message: string } }).error.message).toMatch(/your own account/);
    expect((await reset(ucoCookie, peer.id)).status).toBe(403);
    expect((await api.request(ucoCookie, 'POST', `/api/users/${peer.id}/deactivate`)).status).toBe(403);
    // The district office is above, but changes an upazila's accounts only through a correction request;
    // headquarters administers accounts everywhere.
    expect((await reset(await api.as('district_officer'), uco.id)).status).toBe(403);
    expect((await reset(await api.as('hq_admin'), uco.id)).status).toBe(204);
    // Nothing changed for the peer: the old password still works and no change is forced.
    const [p] = await api.sql`SELECT must_change_password, active FROM users WHERE id = ${peer.id}`;
    expect(p).toEqual({ must_change_password: false, active: true });

    // Below the UCO: allowed, recorded, and the account's sessions end.
    const collectorSession = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: collector.username, password: PASSWORD }))!;
    const freshUco = await api.login(peer.username);
    expect((await reset(freshUco, collector.id)).status).toBe(204);
    expect((await me(collectorSession)).status).toBe(401);
    const events = await api.sql`SELECT kind, actor FROM user_events WHERE user_id = ${collector.id} AND kind = 'password_reset'`;
    expect(events).toEqual([{ kind: 'password_reset', actor: peer.id }]);
  });

  it('is refused to roles without account rights and to offices beside or below the account; the reset forces a new password', async () => {
    const target = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const targetSession = sessionOf(await api.request(null, 'POST', '/api/auth/login', { login: target.username, password: PASSWORD }))!;
    const deactivate = (cookie: string) => api.request(cookie, 'POST', `/api/users/${target.id}/deactivate`);
    // Same office, but a role that manages no accounts (403); another upazila, district or division,
    // which cannot even see the account (404, so its existence is not told).
    const refused: [string, number][] = [
      [await api.as('collector'), 403],
      [await api.as('society_rep'), 403],
      [await api.login((await api.addUser('auditor', 'JHENAIDAH-SADAR')).username), 403],
      [await api.login((await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ')).username), 404],
      [await api.login((await api.addUser('district_officer', 'MAGURA')).username), 404],
      [await api.login((await api.addUser('divisional_officer', 'DHAKA')).username), 404],
      [await api.login((await api.addUser('upazila_officer', 'MAGURA-SADAR')).username), 404],
    ];
    for (const [cookie, status] of refused) {
      expect((await reset(cookie, target.id)).status).toBe(status);
      expect((await deactivate(cookie)).status).toBe(status);
    }
    expect(await api.sql`SELECT must_change_password, active FROM users WHERE id = ${target.id}`).toEqual([{ must_change_password: false, active: true }]);
    expect((await me(targetSession)).status).toBe(200);
    expect(await api.sql`SELECT 1 FROM user_events WHERE user_id = ${target.id}`).toHaveLength(0);

    // Headquarters cannot skip its own current password either.
    const hq = api.accounts.hq_admin;
    expect((await reset(await api.as('hq_admin'), hq.id)).status).toBe(400);
    expect((await api.request(await api.as('hq_admin'), 'POST', `/api/users/${hq.id}/deactivate`)).status).toBe(400);

    // The account's own UCO resets it: the old password and session are gone, the new one only lets them choose another.
    expect((await reset(await api.as('upazila_officer'), target.id)).status).toBe(204);
    expect((await me(targetSession)).status).toBe(401);
    expect((await api.request(null, 'POST', '/api/auth/login', { login: target.username, password: PASSWORD })).status).toBe(401);
    const after = await api.request(null, 'POST', '/api/auth/login', { login: target.username, password: 'temporary secret 77' });
    expect(((await after.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    expect((await api.request(`${SESSION_COOKIE}=${sessionOf(after)}`, 'GET', '/api/borrowers')).status).toBe(403);
  });
});

describe('creating accounts', () => {
  it('is also for someone above: a UCO creates collectors, not another UCO; headquarters creates anyone', async () => {
    const body = (role: string) => ({ username: `made-${role}-${Date.now()}`, name: 'নতুন', role, officeId: 'JHENAIDAH-SADAR', password: 'a long enough secret', language: 'bn' });
    const uco = await api.as('upazila_officer');
    const peer = await api.request(uco, 'POST', '/api/users', body('upazila_officer'));
    expect(peer.status).toBe(403);
    expect(((await peer.json()) as { error: { field: string } }).error.field).toBe('role');
    expect((await api.request(uco, 'POST', '/api/users', body('collector'))).status).toBe(201);
    expect((await api.request(await api.as('hq_admin'), 'POST', '/api/users', body('upazila_officer'))).status).toBe(201);
  });
});

describe('login lockout (the rest is in api/routes/auth.test.ts)', () => {
  const login = (who: string, password: string) => api.request(null, 'POST', '/api/auth/login', { login: who, password });

  it('keeps a locked account locked for the right password, whichever of its names is typed', async () => {
    const [byName, byMobile] = [await api.addUser('collector', 'JHENAIDAH-SADAR'), await api.addUser('collector', 'JHENAIDAH-SADAR')];
    await api.sql`UPDATE users SET mobile = '01755500001' WHERE id = ${byName.id}`;
    await api.sql`UPDATE users SET mobile = '01755500002' WHERE id = ${byMobile.id}`;
    // Guessed under the username: the mobile number (and any spelling of the username) is locked too.
    for (let i = 0; i < 5; i++) expect((await login(byName.username, `wrong guess ${i}`)).status).toBe(401);
    for (const who of [byName.username, '01755500001', ` ${byName.username.toUpperCase()} `]) expect((await login(who, PASSWORD)).status, who).toBe(429);
    // Guessed under the mobile number: the username is locked too.
    for (let i = 0; i < 5; i++) expect((await login('01755500002', `wrong guess ${i}`)).status).toBe(401);
    for (const who of ['01755500002', byMobile.username]) expect((await login(who, PASSWORD)).status, who).toBe(429);
    // Nobody else is locked by it.
    expect((await login(api.accounts.district_officer.username, PASSWORD)).status).toBe(200);
  });
});

