// The communication network end to end on the real server: groups follow the register, posting
// rights come from the rules, a notice's workflow reaches members in the app and falls back to SMS
// for the rest, and the tally counts who was reached and at what cost.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { createNoticeActivities } from '../activities/notices';
import { applyWhatsAppStatuses } from '../network/apply-whatsapp-statuses';
import { CloudWhatsApp } from '../whatsapp/cloud-client';
import { startWhatsAppSimulator } from '../whatsapp/simulator';
import { whatsappWebhookRoutes } from '../whatsapp/webhook';
import { ensureQuarterlySchedule, QUARTERLY_SCHEDULE_ID } from '../worker/singletons';
import { noticeViewQuery, noticeWorkflowId } from '../workflows/notice-definitions';
import { createApiHarness, type ApiHarness } from './api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await api.sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name) VALUES ('SOC-2', 'JHENAIDAH-SADAR', 'শান্তিনগর সমিতি', 'Shantinagar', 'আশ্রয়ণ-২')`;
}, 240_000);
afterAll(async () => {
  await api?.close();
});

interface Member { kind: string; role: string; name: string; societyId: string | null; position: string | null }
const members = async (group: string) => {
  const res = await api.request(await api.as('district_officer'), 'GET', `/api/groups/${group}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { members: Member[] }).members;
};
const elect = async (society: string, position: 'president' | 'secretary', name: string, mobile: string, extra: Record<string, unknown> = {}) => {
  const res = await api.request(await api.as('upazila_officer'), 'POST', `/api/societies/${society}/leaders`, { position, name, mobile, electedOn: '2026-01-15', ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { leader: { id: string } }).leader.id;
};

/** A multipart notice post as the browser sends it. */
async function post(role: Parameters<ApiHarness['as']>[0], fields: Record<string, string | string[]>, files: File[] = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
  for (const f of files) form.append('files', f);
  return api.app.request('/api/notices', { method: 'POST', headers: { cookie: await api.as(role) }, body: form });
}

describe('groups follow the office tree and the society register', () => {
  it('puts the UCO (admin), the DCO (monitor) and the leaders of active societies in the upazila group', async () => {
    await elect('SOC-1', 'president', 'রহিমা খাতুন', '01711000001', { preferredChannel: 'whatsapp', whatsappConsent: true });
    await elect('SOC-1', 'secretary', 'করিম মিয়া', '01711000002');
    await elect('SOC-2', 'president', 'সালমা বেগম', '01711000003');
    const sadar = await members('upazila:JHENAIDAH-SADAR');
    expect(sadar.filter((m) => m.role === 'admin').map((m) => m.name)).toEqual([api.accounts.upazila_officer.name]);
    expect(sadar.filter((m) => m.role === 'monitor').map((m) => m.name)).toEqual([api.accounts.district_officer.name]);
    expect(sadar.filter((m) => m.kind === 'leader').map((m) => m.name).sort()).toEqual(['করিম মিয়া', 'রহিমা খাতুন', 'সালমা বেগম'].sort());
    const district = await members('district:JHENAIDAH');
    expect(district.find((m) => m.role === 'admin')?.name).toBe(api.accounts.district_officer.name);
    expect(district.some((m) => m.name === api.accounts.upazila_officer.name)).toBe(true);
    expect(district.every((m) => m.kind === 'officer')).toBe(true);
  });

  it('drops an inactive society’s leaders and replaces a president on a new election, keeping the history', async () => {
    const uco = await api.as('upazila_officer');
    expect((await api.request(uco, 'POST', '/api/societies/SOC-2/register', { active: false })).status).toBe(200);
    expect((await members('upazila:JHENAIDAH-SADAR')).some((m) => m.name === 'সালমা বেগম')).toBe(false);
    const [left] = await api.sql`SELECT m.left_reason FROM group_members m JOIN society_leaders l ON l.id = m.leader_id WHERE l.name = 'সালমা বেগম'`;
    expect(left!.left_reason).toBe('society inactive');
    expect((await api.request(uco, 'POST', '/api/societies/SOC-2/register', { active: true })).status).toBe(200);
    expect((await members('upazila:JHENAIDAH-SADAR')).some((m) => m.name === 'সালমা বেগম')).toBe(true);

    await elect('SOC-2', 'president', 'নাসরিন আক্তার', '01711000004');
    const now = await members('upazila:JHENAIDAH-SADAR');
    expect(now.some((m) => m.name === 'নাসরিন আক্তার')).toBe(true);
    expect(now.some((m) => m.name === 'সালমা বেগম')).toBe(false);
    const history = await api.sql`SELECT l.name, m.left_reason FROM group_members m JOIN society_leaders l ON l.id = m.leader_id WHERE l.society_id = 'SOC-2' ORDER BY m.id`;
    expect(history.map((h) => [h.name, h.left_reason])).toEqual([['সালমা বেগম', 'society inactive'], ['সালমা বেগম', 'term ended'], ['নাসরিন আক্তার', null]]);
  });

  it('refuses a register change from an office above, and from a society representative', async () => {
    for (const role of ['district_officer', 'society_rep', 'auditor'] as const) {
      const res = await api.request(await api.as(role), 'POST', '/api/societies/SOC-1/register', { active: false });
      expect(res.status, role).toBe(403);
    }
    const [s] = await api.sql`SELECT active FROM societies WHERE id = 'SOC-1'`;
    expect(s!.active).toBe(true);
  });
});

describe('posting rights come from the rules', () => {
  const notice = { title: 'প্রশিক্ষণ', body: 'আগামী সপ্তাহে প্রশিক্ষণ', groupIds: 'upazila:JHENAIDAH-SADAR' };

  it('lets a collector post training but not an election notice, and an auditor post an audit notice', async () => {
    const refused = await post('collector', { ...notice, category: 'election' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { field: string } }).error.field).toBe('category');
    expect((await post('collector', { ...notice, category: 'training' })).status).toBe(201);
    expect((await post('auditor', { ...notice, category: 'audit_notice', groupIds: 'upazila:JHENAIDAH-SADAR' })).status).toBe(201);
  });

  it('refuses a group outside the poster’s office, a society representative, and a file that is not a PDF or image', async () => {
    const before = (await api.sql`SELECT count(*)::int AS n FROM notices`)[0]!.n;
    const sideways = await post('upazila_officer', { ...notice, category: 'training', groupIds: ['upazila:JHENAIDAH-SADAR', 'upazila:JHENAIDAH-KALIGANJ'] });
    expect(sideways.status).toBe(403);
    expect(((await sideways.json()) as { error: { field: string; message: string } }).error.message).toContain('upazila:JHENAIDAH-KALIGANJ');
    expect((await post('society_rep', { ...notice, category: 'training' })).status).toBe(403);
    const exe = new File([new Uint8Array([0x4d, 0x5a, 0x90, 0x00])], 'circular.pdf', { type: 'application/pdf' });
    const bad = await post('upazila_officer', { ...notice, category: 'circular' }, [exe]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('files');
    expect((await api.sql`SELECT count(*)::int AS n FROM notices`)[0]!.n).toBe(before);
  });
});

describe('a notice’s delivery', () => {
  it('reaches a member who reads it in the app, sends SMS to the rest after the fallback time, and tallies the result', async () => {
    // The president of SOC-1 logs in as the society's representative account.
    await api.sql`UPDATE society_leaders SET user_id = ${api.accounts.society_rep.id} WHERE name = 'রহিমা খাতুন'`;
    const pdf = new File([new TextEncoder().encode('%PDF-1.4\n% test\n')], 'নির্বাচনী-তফসিল.pdf', { type: 'application/pdf' });
    const res = await post('upazila_officer', { category: 'election', title: 'নির্বাচনী তফসিল', body: 'সমিতির নির্বাচন ১০ ডিসেম্বর', groupIds: 'upazila:JHENAIDAH-SADAR' }, [pdf]);
    expect(res.status).toBe(201);
    const { notice } = (await res.json()) as { notice: { id: string } };

    // The representative sees it in their list, unread, and reads it.
    const rep = await api.as('society_rep');
    await expect.poll(async () => {
      const list = (await (await api.request(rep, 'GET', '/api/notices')).json()) as { items: { id: string; readByMe: boolean | null; summary: unknown }[] };
      return list.items.find((i) => i.id === notice.id);
    }, { timeout: 20_000 }).toMatchObject({ readByMe: false, summary: null });
    const view = (await (await api.request(rep, 'GET', `/api/notices/${notice.id}`)).json()) as { notice: { attachments: { id: string }[] }; deliveries: unknown };
    expect(view.deliveries).toBeNull();
    const file = await api.request(rep, 'GET', `/api/notices/${notice.id}/attachments/${view.notice.attachments[0]!.id}`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect((await api.request(rep, 'POST', `/api/notices/${notice.id}/read`)).status).toBe(204);

    // After the fallback time (4 s in the test rules) everyone else with a number gets one SMS.
    await expect.poll(async () => (await api.sql`SELECT count(*)::int AS n FROM outbox WHERE template = 'notice' AND params->>'noticeId' = ${notice.id}`)[0]!.n, { timeout: 30_000 }).toBe(2);
    const sms = await api.sql`SELECT recipient, body FROM outbox WHERE template = 'notice' AND params->>'noticeId' = ${notice.id} ORDER BY recipient`;
    expect(sms.map((s) => s.recipient)).toEqual(['01711000002', '01711000004']);
    expect(sms[0]!.body).toContain('নির্বাচনী তফসিল');
    expect(sms[0]!.body).toContain(`/notices/${notice.id}`);

    // The officer's view: per member, how it reached them.
    const uco = await api.as('upazila_officer');
    const detail = (await (await api.request(uco, 'GET', `/api/notices/${notice.id}`)).json()) as { deliveries: { name: string; state: string; channel: string | null }[]; notice: { summary: { recipients: number; read: number } } };
    const byName = Object.fromEntries(detail.deliveries.map((d) => [d.name, d]));
    expect(byName['রহিমা খাতুন']).toMatchObject({ state: 'read', channel: 'app' });
    expect(byName['করিম মিয়া']!.state).toBe('waiting');
    expect(detail.notice.summary.read).toBe(1);
    expect(detail.deliveries.some((d) => d.name === api.accounts.upazila_officer.name)).toBe(false);

    // The workflow closes the notice after following it (8 s in the test rules); no SMS twice.
    await expect.poll(async () => (await api.sql`SELECT status FROM notices WHERE id = ${notice.id}`)[0]!.status, { timeout: 40_000 }).toBe('done');
    expect((await api.sql`SELECT count(*)::int AS n FROM outbox WHERE params->>'noticeId' = ${notice.id} AND template = 'notice'`)[0]!.n).toBe(2);

    const share = (await (await api.request(uco, 'GET', `/api/notices/${notice.id}/share`)).json()) as { text: string; link: string };
    expect(share.text).toContain('*নির্বাচন: নির্বাচনী তফসিল*');
    expect(share.link.startsWith('https://wa.me/?text=')).toBe(true);
    expect((await api.request(uco, 'POST', `/api/notices/${notice.id}/manual-posts`, { groupId: 'upazila:JHENAIDAH-SADAR' })).status).toBe(201);
    expect((await api.request(uco, 'POST', `/api/notices/${notice.id}/manual-posts`, { groupId: 'district:JHENAIDAH' })).status).toBe(400);
  });

  it('waits for the event: a reminder is due the rules’ time before it (10:00 Dhaka on the event day)', async () => {
    const res = await post('upazila_officer', { category: 'training', title: 'প্রশিক্ষণ কর্মশালা', body: 'সব সভাপতি আমন্ত্রিত', groupIds: 'upazila:JHENAIDAH-SADAR', eventOn: '2027-01-10' });
    const { notice } = (await res.json()) as { notice: { id: string } };
    const handle = api.h.temporal.workflow.getHandle(noticeWorkflowId(notice.id));
    await expect.poll(async () => (await handle.query(noticeViewQuery)).stage, { timeout: 30_000 }).toBe('waiting_for_reminder');
    const view = await handle.query(noticeViewQuery);
    expect(view.next).toEqual({ step: 'reminder', at: Date.parse('2027-01-10T04:00:00Z') - 86_400_000 });
    await handle.terminate('test over');
  });

  it('goes by WhatsApp to members who consented; SMS carries it to the one not on WhatsApp and the one whose phone never got it', async () => {
    const sim = await startWhatsAppSimulator({ stepMs: 30 });
    const webhook = serve({ fetch: whatsappWebhookRoutes({ verifyToken: 'vt', appSecret: sim.appSecret, onStatuses: (s) => applyWhatsAppStatuses(api.sql, s).then(() => undefined) }).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => webhook.once('listening', () => r()));
    sim.setWebhook(`http://127.0.0.1:${(webhook.address() as { port: number }).port}/`);
    try {
      await api.sql`UPDATE society_leaders SET preferred_channel = 'whatsapp', whatsapp_consent_at = now(), consent_recorded_by = 'test' WHERE ended_on IS NULL`;
      const [karim] = await api.sql`SELECT mobile FROM society_leaders WHERE name = 'করিম মিয়া'`;
      const [nasrin] = await api.sql`SELECT mobile FROM society_leaders WHERE name = 'নাসরিন আক্তার' AND ended_on IS NULL`;
      sim.behave({ neverDelivered: [`88${karim!.mobile}`], notOnWhatsApp: [`88${nasrin!.mobile}`] });
      // A notice written straight in (no workflow), its steps run by hand with WhatsApp wired in.
      const id = randomUUID();
      await api.sql`INSERT INTO notices (id, office_id, category, title, body, posted_by, workflow_id, rule_set_version)
        VALUES (${id}, 'JHENAIDAH-SADAR', 'training', 'প্রশিক্ষণ', 'সোমবার প্রশিক্ষণ', ${api.accounts.upazila_officer.id}, ${`manual-${id}`}, 'test')`;
      await api.sql`INSERT INTO notice_groups (notice_id, group_id) VALUES (${id}, 'upazila:JHENAIDAH-SADAR')`;
      const client = new CloudWhatsApp({ baseUrl: sim.url, version: 'v21.0', phoneNumberId: sim.phoneNumberId, token: sim.token, template: 'cooperative_notice', language: 'bn', pricePoisha: 80 });
      const acts = createNoticeActivities({ sql: api.sql, policy: api.h.policy }, { whatsapp: client });
      const plan = await acts.prepareNoticeDelivery(id);
      expect(plan.whatsapp).toBe(3);
      expect(await acts.sendNoticeWhatsApp(id)).toEqual({ sent: 2, failed: 1 });
      await expect.poll(async () => (await api.sql`SELECT reached_via, read_at IS NOT NULL AS read FROM notice_deliveries WHERE notice_id = ${id} AND name = 'রহিমা খাতুন'`)[0], { timeout: 10_000 }).toEqual({ reached_via: 'whatsapp', read: true });
      await acts.sendNoticeSmsFallback(id);
      const sms = await api.sql`SELECT recipient FROM outbox WHERE template = 'notice' AND params->>'noticeId' = ${id} ORDER BY recipient`;
      expect(sms.map((r) => r.recipient)).toEqual([karim!.mobile, nasrin!.mobile].sort());
      expect((await acts.sendNoticeWhatsApp(id)).sent).toBe(0); // never twice
      const { costPoisha } = await acts.finishNotice(id);
      expect(costPoisha).toBeGreaterThanOrEqual(2 * 80);
    } finally {
      await sim.stop();
      await new Promise<void>((r) => webhook.close(() => r()));
    }
  });

  it('reminds, before the event, only the members who have not read the notice, once', async () => {
    const id = randomUUID();
    await api.sql`INSERT INTO notices (id, office_id, category, title, body, event_on, posted_by, workflow_id, rule_set_version)
      VALUES (${id}, 'JHENAIDAH-SADAR', 'training', 'কর্মশালা', 'সবাই আসবেন', '2027-02-01', ${api.accounts.upazila_officer.id}, ${`manual-${id}`}, 'test')`;
    await api.sql`INSERT INTO notice_groups (notice_id, group_id) VALUES (${id}, 'upazila:JHENAIDAH-SADAR')`;
    const acts = createNoticeActivities({ sql: api.sql, policy: api.h.policy });
    await acts.prepareNoticeDelivery(id);
    await api.sql`UPDATE notice_deliveries SET read_at = now(), app_read_at = now() WHERE notice_id = ${id} AND name = 'রহিমা খাতুন'`;
    const first = await acts.sendNoticeReminders(id);
    const again = await acts.sendNoticeReminders(id);
    const sms = await api.sql`SELECT recipient, body FROM outbox WHERE template = 'notice_reminder' AND params->>'noticeId' = ${id}`;
    expect(first.queued).toBe(sms.length);
    expect(again.queued).toBe(0);
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((r) => r.recipient !== '01711000001')).toBe(true);
    expect(sms[0]!.body).toContain('১ ফেব্রুয়ারি ২০২৭');
  });

  it('keeps one Temporal Schedule for the quarterly lists, at 09:00 Dhaka on the first day of each quarter', async () => {
    await ensureQuarterlySchedule(api.h.temporal, api.h.taskQueue);
    await ensureQuarterlySchedule(api.h.temporal, api.h.taskQueue); // a second start finds it
    const handle = api.h.temporal.schedule.getHandle(QUARTERLY_SCHEDULE_ID);
    try {
      const d = await handle.describe();
      const cal = d.spec.calendars?.[0];
      expect(cal?.month).toEqual([{ start: 'JANUARY', end: 'JANUARY', step: 1 }, { start: 'APRIL', end: 'APRIL', step: 1 }, { start: 'JULY', end: 'JULY', step: 1 }, { start: 'OCTOBER', end: 'OCTOBER', step: 1 }]);
      expect(cal?.hour).toEqual([{ start: 3, end: 3, step: 1 }]);
      expect(d.action.type === 'startWorkflow' && d.action.workflowType).toBe('quarterlyListsWorkflow');
      const next = new Date(d.info.nextActionTimes[0]!);
      expect([0, 3, 6, 9]).toContain(next.getUTCMonth());
      expect([next.getUTCDate(), next.getUTCHours()]).toEqual([1, 3]);
    } finally {
      await handle.delete();
    }
  });

  it('hides a notice from anyone it was not for and who does not oversee it', async () => {
    const [n] = await api.sql`SELECT id FROM notices LIMIT 1`;
    const outsider = await api.addUser('upazila_officer', 'JHENAIDAH-KALIGANJ');
    const cookie = await api.login(outsider.username);
    expect((await api.request(cookie, 'GET', `/api/notices/${n!.id}`)).status).toBe(404);
    expect((await api.request(cookie, 'GET', `/api/notices/${randomUUID()}`)).status).toBe(404);
  });
});

describe('the network’s figures', () => {
  it('lists active and inactive societies each quarter by the rules, posts the list to the upazila group once, and only district officers and above may run it', async () => {
    await api.sql`UPDATE societies SET last_agm_on = now() - interval '2 months', last_audit_on = now() - interval '5 months', election_due_on = now() + interval '1 year' WHERE id = 'SOC-1'`;
    await api.sql`UPDATE societies SET last_agm_on = '2023-03-01', last_audit_on = now() - interval '3 months' WHERE id = 'SOC-2'`;
    expect((await api.request(await api.as('upazila_officer'), 'POST', '/api/network/quarterly', { quarter: '2026-Q3' })).status).toBe(403);
    const dco = await api.as('district_officer');
    expect((await api.request(dco, 'POST', '/api/network/quarterly', { quarter: '2026-Q3' })).status).toBe(202);
    type Lists = { items: { officeId: string; noticeId: string | null; societies: { societyId: string; active: boolean; reasons: { rule: string }[] }[] }[] };
    const sadar = async () => ((await (await api.request(dco, 'GET', '/api/network/quarterly?quarter=2026-Q3')).json()) as Lists).items.find((i) => i.officeId === 'JHENAIDAH-SADAR');
    await expect.poll(sadar, { timeout: 30_000 }).toBeTruthy();
    const list = (await sadar())!;
    expect(list.societies.find((s) => s.societyId === 'SOC-1')).toMatchObject({ active: true, reasons: [] });
    expect(list.societies.find((s) => s.societyId === 'SOC-2')!.reasons.map((r) => r.rule)).toEqual(['no-agm-in-15-months']);
    expect(list.noticeId).not.toBeNull();
    const [notice] = await api.sql`SELECT category, title, body FROM notices WHERE id = ${list.noticeId}`;
    expect(notice!.category).toBe('quarterly_list');
    expect(notice!.body).toContain('শান্তিনগর সমিতি');
    // Running the quarter again changes nothing.
    await api.h.temporal.workflow.getHandle('quarterly-lists-2026-Q3').result();
    await api.h.temporal.workflow.start('quarterlyListsWorkflow', { taskQueue: api.h.taskQueue, workflowId: 'quarterly-lists-again', args: [{ quarter: '2026-Q3' }] }).then((h) => h.result());
    expect((await api.sql`SELECT count(*)::int AS n FROM notices WHERE category = 'quarterly_list'`)[0]!.n).toBe((await api.sql`SELECT count(*)::int AS n FROM society_status_reports WHERE quarter = '2026-Q3' AND notice_id IS NOT NULL`)[0]!.n);
  });

  it('shows a society representative every society of their upazila, active or not, with notices read', async () => {
    const res = await api.request(await api.as('society_rep'), 'GET', '/api/network/societies');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { officeId: string; items: { societyId: string; active: boolean; noticesRead: number }[] };
    expect(body.officeId).toBe('JHENAIDAH-SADAR');
    expect(body.items.map((i) => i.societyId).sort()).toEqual(['SOC-1', 'SOC-2']);
    expect(body.items.find((i) => i.societyId === 'SOC-1')!.noticesRead).toBeGreaterThanOrEqual(1);
  });

  it('counts leaders who joined against each month’s enrolment target', async () => {
    const now = new Date(Date.now() + 6 * 3_600_000);
    const month = now.getUTCMonth() + 1;
    await api.sql`INSERT INTO enrolment_targets (office_id, month, target, set_by) VALUES ('JHENAIDAH-SADAR', make_date(${now.getUTCFullYear()}, ${month}, 1), 12, 'test')`;
    const body = (await (await api.request(await api.as('district_officer'), 'GET', '/api/network/targets')).json()) as { items: { officeId: string; months: { month: number; target: number | null; enrolled: number }[] }[] };
    const sadar = body.items.find((i) => i.officeId === 'JHENAIDAH-SADAR')!;
    const joined = (await api.sql`SELECT count(*)::int AS n FROM group_members m WHERE m.group_id = 'upazila:JHENAIDAH-SADAR' AND m.member_kind = 'leader'`)[0]!.n;
    expect(sadar.months.find((m) => m.month === month)).toEqual({ month, target: 12, enrolled: joined });
    expect(body.items.some((i) => i.officeId === 'MAGURA-SADAR')).toBe(false);
  });

  it('evaluates time, cost and visits: notices reached against the paper baseline, bKash payments against collection visits', async () => {
    await api.sql`INSERT INTO payments (id, trx_id, provider, loan_id, amount_poisha, paid_at, status, recorded_by)
      VALUES (${randomUUID()}, 'TCV-1', 'bkash', ${api.loans['JHENAIDAH-SADAR']!}, 105000, now(), 'applied', 'test'),
             (${randomUUID()}, 'TCV-2', 'bkash', ${api.loans['JHENAIDAH-SADAR']!}, 105000, now(), 'applied', 'test')`;
    const tcv = (await (await api.request(await api.as('district_officer'), 'GET', '/api/network/tcv')).json()) as {
      notices: { notices: number; messages: number; reached: number; societiesReached: number; medianHoursToReach: number | null; paperCostPoisha: number; tripsAvoided: number };
      loans: { bkashPayments: number; societiesPayingByBkash: number; collectionTripsAvoided: number; collectionCostSavedPoisha: number };
    };
    expect(tcv.notices.notices).toBeGreaterThanOrEqual(3);
    expect(tcv.notices.reached).toBeGreaterThanOrEqual(1);
    expect(tcv.notices.medianHoursToReach).not.toBeNull();
    // Each society-notice pair reached saves ৳250 and 1.5 visits (rules/notices.json evaluation).
    expect(tcv.notices.paperCostPoisha % 25_000).toBe(0);
    expect(tcv.notices.tripsAvoided).toBeCloseTo((tcv.notices.paperCostPoisha / 25_000) * 1.5, 5);
    // One society paid by bKash this month: 2.36/12 visits and ৳2,272.73/12 of collection cost avoided.
    expect(tcv.loans).toEqual({ bkashPayments: 2, societiesPayingByBkash: 1, collectionTripsAvoided: 0.2, collectionCostSavedPoisha: Math.round(227_273 / 12) });
    const bad = await api.request(await api.as('district_officer'), 'GET', '/api/network/tcv?from=2026-12-01&to=2026-01-01');
    expect(bad.status).toBe(400);
  });
});
