// Cross-site request forgery against the web app's form actions (login, a correction's decision, giving
// an unmatched payment to a loan). A page on another site makes a logged-in officer's browser post one
// of our forms; SvelteKit's origin check (csrf.checkOrigin, on by default) must answer 403 before the
// action runs, while the same form posted from our own page works. Served exactly as in production:
// api/serve-web-and-api.ts, the built web app and the API on one port. The API's own cross-site guard
// is tested in tests/security.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePayment } from '../../payments/receive-payment';
import { PASSWORD } from '../api-harness';
import { createUiHarness, type UiHarness } from '../ui-harness';

let ui: UiHarness;
/** The attacker's site: `localhost` is another site than the app's `127.0.0.1`. */
let evil: Server;
let evilUrl: string;
const evilPages = new Map<string, string>();

beforeAll(async () => {
  ui = await createUiHarness();
  evil = createServer((req, res) => {
    const html = evilPages.get(req.url ?? '');
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not here');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await new Promise((r) => evil?.close(r));
  await ui?.close();
});

const FORBIDDEN = 'Cross-site POST form submissions are forbidden';
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** An attacker's page that posts a form to `target` as soon as it loads. */
function evilPage(name: string, target: string, fields: Record<string, string>, enctype = 'application/x-www-form-urlencoded'): string {
  const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
  evilPages.set(`/${name}`, `<!doctype html><title>win a prize</title><form id="f" method="POST" enctype="${enctype}" action="${escape(target)}">${inputs}</form><script>document.getElementById('f').submit()</script>`);
  return `${evilUrl}/${name}`;
}

/** Opens the attacker's page in the victim's browser (same context: the victim's cookies) and returns what our server answered. */
async function visit(context: import('playwright-core').BrowserContext, url: string): Promise<{ status: number; text: string }> {
  const page = await context.newPage();
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(ui.url));
  await page.goto(url);
  const res = await answered;
  const out = { status: res.status(), text: await res.text() };
  await page.close();
  return out;
}

/** The victim's session cookie, to replay outside the browser (a client that ignores SameSite). */
async function sessionCookie(context: import('playwright-core').BrowserContext): Promise<string> {
  const c = (await context.cookies(ui.url)).find((x) => x.name === 'asrayon_session');
  if (!c) throw new Error('not logged in');
  return `asrayon_session=${c.value}`;
}

/** The same post without a browser: the victim's valid session cookie attached, and the Origin of our choosing. */
const forge = (path: string, cookie: string, body: URLSearchParams | FormData | string | null, headers: Record<string, string>) =>
  fetch(`${ui.url}${path}`, { method: 'POST', headers: { cookie, ...headers }, body, redirect: 'manual' });

describe('form actions posted from another site', () => {
  it('login: refused from another site (no session set), works from our own page', async () => {
    const context = await ui.context();
    const user = ui.api.accounts.collector;
    const forged = await visit(context, evilPage('login', `${ui.url}/login`, { login: user.username, password: PASSWORD }));
    expect(forged).toEqual({ status: 403, text: FORBIDDEN });
    expect((await context.cookies(ui.url)).map((c) => c.name)).not.toContain('asrayon_session');
    // Outside a browser too, whatever the content type a form can have, and with no Origin at all.
    const form = new URLSearchParams({ login: user.username, password: PASSWORD });
    for (const [headers, body] of [
      [{ origin: evilUrl, 'content-type': 'application/x-www-form-urlencoded' }, form],
      [{ origin: 'null', 'content-type': 'text/plain' }, `login=${user.username}`],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, form],
    ] as const) {
      const res = await forge('/login', '', body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.getSetCookie().join()).not.toContain('asrayon_session');
    }

    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('#login').fill(user.username);
    await page.locator('#password').fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.locator('form button').last().click()]);
    expect((await context.cookies(ui.url)).map((c) => c.name)).toContain('asrayon_session');
    await context.close();
  });

  it('a correction\'s decision: approval refused from another site even with the session, taken from our own page', async () => {
    const collector = await ui.api.as('collector');
    const created = await ui.api.request(collector, 'POST', '/api/corrections', {
      recordKind: 'borrower', recordId: ui.api.borrowers['JHENAIDAH-SADAR'], changes: { name: 'নাম ভুলে বদলানো' }, reason: 'cross-site test request',
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { correction: { id: string } }).correction.id;
    const uco = ui.api.accounts.upazila_officer;
    const page = await ui.loginAs('upazila_officer');
    await expect.poll(async () => { await page.goto(`/corrections/${id}`); return page.getByRole('button', { name: 'অনুমোদন' }).count(); }, { timeout: 20_000 }).toBe(1);

    const target = `/corrections/${id}?/decide`;
    expect(await visit(page.context(), evilPage('approve', `${ui.url}${target}`, { decision: 'approve', comment: '' }))).toEqual({ status: 403, text: FORBIDDEN });
    const cookie = await sessionCookie(page.context());
    const multipart = new FormData();
    multipart.append('decision', 'approve');
    for (const [headers, body] of [
      [{ origin: evilUrl, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ decision: 'approve' })],
      [{ origin: evilUrl }, multipart],
      [{ origin: evilUrl, 'content-type': 'text/plain' }, 'decision=approve'],
      // What use:enhance sends (fetch with x-sveltekit-action): a script on another site could send the same.
      [{ origin: evilUrl, accept: 'application/json', 'x-sveltekit-action': 'true', 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ decision: 'approve' })],
      [{ origin: `${ui.url}.evil.example`, 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ decision: 'approve' })],
    ] as const) {
      expect((await forge(target, cookie, body as never, headers)).status, JSON.stringify(headers)).toBe(403);
    }
    // A POST without a form body slips past the origin check, but an action then refuses it unread.
    expect((await forge(target, cookie, null, { origin: evilUrl })).status).toBe(415);
    expect(await ui.api.sql`SELECT 1 FROM correction_events WHERE request_id = ${id} AND actor = ${uco.id}`).toHaveLength(0);

    // From the officer's own page: taken, once. Had a forged post got through, this one would find the step gone.
    await page.getByRole('button', { name: 'অনুমোদন' }).click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain('সিদ্ধান্ত লেখা হয়েছে');
    await expect.poll(async () => (await ui.api.sql`SELECT decision FROM correction_events WHERE request_id = ${id} AND actor = ${uco.id}`).map((r) => r.decision), { timeout: 20_000 }).toEqual(['approve']);
  });

  it('giving an unmatched payment to a loan: refused from another site, done from our own page', async () => {
    const loanId = ui.api.loans['JHENAIDAH-SADAR']!;
    const [loan] = await ui.api.sql<{ code: string }[]>`SELECT code FROM loans WHERE id = ${loanId}`;
    const stored = await storePayment(ui.api.sql, { trxId: 'BKCSRF0001', amountPoisha: 40_000, paidAt: Date.now(), provider: 'bkash', officeId: 'JHENAIDAH-SADAR', recordedBy: 'test', reference: 'no code', payerMsisdn: '8801999999998' });
    expect(stored.loanId).toBeNull();
    const page = await ui.loginAs('upazila_officer');
    await page.goto('/payments/unmatched');
    expect(await page.locator('tbody').textContent()).toContain('৳৪০০');

    const fields = { paymentId: stored.paymentId, loanCode: loan!.code };
    expect(await visit(page.context(), evilPage('assign', `${ui.url}/payments/unmatched?/assign`, fields))).toEqual({ status: 403, text: FORBIDDEN });
    expect(await visit(page.context(), evilPage('assign-multipart', `${ui.url}/payments/unmatched?/assign`, fields, 'multipart/form-data'))).toEqual({ status: 403, text: FORBIDDEN });
    const cookie = await sessionCookie(page.context());
    const res = await forge('/payments/unmatched?/assign', cookie, new URLSearchParams(fields), { origin: evilUrl, 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(403);
    expect(await ui.api.sql`SELECT loan_id FROM payments WHERE id = ${stored.paymentId}`).toEqual([{ loan_id: null }]);

    await page.locator('input[name=loanCode]').first().fill(loan!.code);
    await page.getByRole('button', { name: 'ঋণে যুক্ত করুন' }).first().click();
    await expect.poll(() => page.locator('[role=status]').textContent()).toContain(loan!.code);
    expect(await ui.api.sql`SELECT loan_id FROM payments WHERE id = ${stored.paymentId}`).toEqual([{ loan_id: loanId }]);
  });

  it('logout from another site does not end the session; from our own page it does', async () => {
    const page = await ui.loginAs('auditor');
    const cookie = await sessionCookie(page.context());
    const me = () => ui.api.request(cookie, 'GET', '/api/auth/me');
    // Logout reads no form, so a bodiless cross-site POST is refused by the action's content-type check.
    expect((await forge('/logout', cookie, null, { origin: evilUrl })).status).toBe(415);
    expect((await forge('/logout', cookie, '', { origin: evilUrl, 'content-type': 'text/plain' })).status).toBe(403);
    expect(await visit(page.context(), evilPage('logout', `${ui.url}/logout`, {}))).toEqual({ status: 403, text: FORBIDDEN });
    expect((await me()).status).toBe(200);
    await page.goto('/');
    await Promise.all([page.waitForURL(/\/login/), page.locator('form[action="/logout"] button').click()]);
    expect((await me()).status).toBe(401);
  });
});
