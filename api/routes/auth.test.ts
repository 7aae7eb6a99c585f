import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, PASSWORD, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const login = (login: string, password: string) => api.request(null, 'POST', '/api/auth/login', { login, password });

describe('logging in', () => {
  it('accepts the username or the mobile number, sets an httpOnly SameSite cookie, and /me knows who it is', async () => {
    const user = await api.addUser('collector', 'JHENAIDAH-SADAR');
    await api.sql`UPDATE users SET mobile = '01911223344' WHERE id = ${user.id}`;
    for (const who of [user.username, '01911223344']) {
      const res = await login(who, PASSWORD);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^asrayon_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
      const me = await api.request(cookie.split(';')[0]!, 'GET', '/api/auth/me');
      expect(((await me.json()) as { user: { id: string } }).user.id).toBe(user.id);
    }
  });

  it('answers a wrong password and an unknown account alike, without saying which', async () => {
    const user = await api.addUser('auditor', 'JHENAIDAH');
    const wrong = await login(user.username, 'not the password');
    const unknown = await login('nobody-here', 'whatever');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.json()) as { error: { message: string } };
    const b = (await unknown.json()) as { error: { message: string } };
    expect(a.error.message).toBe(b.error.message);
  });

  it('locks an account for a while after 5 failures, even with the right password, and says when to retry', async () => {
    const user = await api.addUser('auditor', 'JHENAIDAH');
    for (let i = 0; i < 5; i++) expect((await login(user.username, `wrong-${i}`)).status).toBe(401);
    const locked = await login(user.username, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('refuses a deactivated account and ends its sessions', async () => {
    const user = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const cookie = await api.login(user.username);
    const res = await api.request(await api.as('upazila_officer'), 'POST', `/api/users/${user.id}/deactivate`);
    expect(res.status).toBe(204);
    expect((await api.request(cookie, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await login(user.username, PASSWORD)).status).toBe(401);
    const [event] = await api.sql`SELECT kind, actor FROM user_events WHERE user_id = ${user.id} AND kind = 'deactivated'`;
    expect(event!.actor).toBe(api.accounts.upazila_officer.id);
  });
});

describe('sessions and passwords', () => {
  it('logs out: the cookie stops working', async () => {
    const user = await api.addUser('auditor', 'KHULNA');
    const cookie = await api.login(user.username);
    expect((await api.request(cookie, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await api.request(cookie, 'GET', '/api/auth/me')).status).toBe(401);
  });

  it('remembers the language chosen, and refuses one it does not know', async () => {
    const user = await api.addUser('auditor', 'KHULNA');
    const cookie = await api.login(user.username);
    expect((await api.request(cookie, 'POST', '/api/auth/language', { language: 'en' })).status).toBe(204);
    const me = (await (await api.request(cookie, 'GET', '/api/auth/me')).json()) as { user: { language: string } };
    expect(me.user.language).toBe('en');
    expect((await api.request(cookie, 'POST', '/api/auth/language', { language: 'fr' })).status).toBe(400);
    expect((await api.request(null, 'POST', '/api/auth/language', { language: 'bn' })).status).toBe(401);
  });

  it('changes a password: the old one stops working and other sessions end, this one stays', async () => {
    const user = await api.addUser('auditor', 'KHULNA');
    const here = await api.login(user.username);
    const elsewhere = await api.login(user.username);
    const bad = await api.request(here, 'POST', '/api/auth/password', { currentPassword: 'wrong', newPassword: 'a brand new secret' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('currentPassword');
    const short = await api.request(here, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(((await short.json()) as { error: { message: string } }).error.message).toMatch(/at least 10 characters/);
    expect((await api.request(here, 'POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new secret' })).status).toBe(204);
    expect((await api.request(here, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await api.request(elsewhere, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await login(user.username, PASSWORD)).status).toBe(401);
    expect((await login(user.username, 'a brand new secret')).status).toBe(200);
  });

  it('after an admin reset, the user can do nothing but choose a new password', async () => {
    const user = await api.addUser('collector', 'JHENAIDAH-SADAR');
    const reset = await api.request(await api.as('hq_admin'), 'POST', `/api/users/${user.id}/reset-password`, { newPassword: 'temporary secret 1' });
    expect(reset.status).toBe(204);
    const cookie = await api.login(user.username, 'temporary secret 1');
    const blocked = await api.request(cookie, 'GET', '/api/borrowers');
    expect(blocked.status).toBe(403);
    expect((await api.request(cookie, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await api.request(cookie, 'POST', '/api/auth/password', { currentPassword: 'temporary secret 1', newPassword: 'my own new secret' })).status).toBe(204);
    expect((await api.request(cookie, 'GET', '/api/borrowers')).status).toBe(200);
  });
});

describe.each([
  ['missing body field', { name: 'x', role: 'auditor', officeId: 'JHENAIDAH', password: 'long enough secret' }, 400, 'username'],
  ['bad username', { username: 'Has Spaces', name: 'x', role: 'auditor', officeId: 'JHENAIDAH', password: 'long enough secret' }, 400, 'username'],
  ['bad mobile', { username: 'abc-def', mobile: '0123', name: 'x', role: 'auditor', officeId: 'JHENAIDAH', password: 'long enough secret' }, 400, 'mobile'],
  ['unknown role', { username: 'abc-def', name: 'x', role: 'king', officeId: 'JHENAIDAH', password: 'long enough secret' }, 400, 'role'],
  ['role at the wrong level', { username: 'abc-def', name: 'x', role: 'upazila_officer', officeId: 'JHENAIDAH', password: 'long enough secret' }, 400, 'role'],
  ['weak password', { username: 'abc-def', name: 'x', role: 'auditor', officeId: 'JHENAIDAH', password: 'short' }, 400, 'password'],
  ['password containing the username', { username: 'rahima', name: 'x', role: 'auditor', officeId: 'JHENAIDAH', password: 'rahima-1234567' }, 400, 'password'],
  ['unknown office', { username: 'abc-def', name: 'x', role: 'auditor', officeId: 'NOWHERE', password: 'long enough secret' }, 404, 'officeId'],
  ['society rep without society', { username: 'abc-def', name: 'x', role: 'society_rep', officeId: 'JHENAIDAH-SADAR', password: 'long enough secret' }, 400, 'societyId'],
])('POST /api/users refuses %s', (_what, body, status, field) => {
  it(`with ${status} naming ${field}, creating nothing`, async () => {
    const before = await api.sql`SELECT count(*)::int AS n FROM users`;
    const res = await api.request(await api.as('hq_admin'), 'POST', '/api/users', body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { field?: string; requestId: string } };
    expect(json.error.field).toBe(field);
    expect(json.error.requestId).toBeTruthy();
    expect(await api.sql`SELECT count(*)::int AS n FROM users`).toEqual(before);
  });
});

describe('POST /api/users', () => {
  it('creates an account that must change its password, and refuses the same username twice', async () => {
    const body = { username: 'uco-kaliganj', name: 'মোঃ রফিক', role: 'upazila_officer', officeId: 'JHENAIDAH-KALIGANJ', password: 'first long secret' };
    const res = await api.request(await api.as('district_officer'), 'POST', '/api/users', body);
    expect(res.status).toBe(403); // a district officer creates accounts in the district office only
    const ok = await api.request(await api.as('hq_admin'), 'POST', '/api/users', body);
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    const again = await api.request(await api.as('hq_admin'), 'POST', '/api/users', body);
    expect(again.status).toBe(409);
  });
});
