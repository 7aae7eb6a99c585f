// The send activities called directly (no Temporal): idempotence, giving up, the unknown-outcome
// rule for a provider that cannot deduplicate, and the quiet-hours arithmetic.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dhakaInstant } from '../domain/dhaka-time';
import { addBorrower, seedOffices } from '../tests/loan-harness';
import { createTestDb, type TestDb } from '../tests/test-db';
import { createSmsActivities, type SmsActivityDeps } from './activities';
import { createBulkSmsBdProvider } from './bulksmsbd';
import { SmsServerError, type SmsProvider } from './provider';
import { createSslWirelessProvider } from './ssl-wireless';
import { quietUntil } from './quiet-hours';
import { startSmsSimulator, type SmsSimulator } from './simulator';

let db: TestDb;
let sim: SmsSimulator;
let borrower: string;
const noon = dhakaInstant('2026-12-01', '12:00');
let t = noon;

beforeAll(async () => {
  [db, sim] = await Promise.all([createTestDb(), startSmsSimulator()]);
  await seedOffices(db.sql);
  borrower = await addBorrower(db.sql);
});
afterAll(async () => {
  await sim.stop();
  await db.drop();
});
beforeEach(() => {
  sim.reset();
  t = noon;
});

function acts(extra: Partial<SmsActivityDeps> = {}) {
  return createSmsActivities({
    sql: db.sql,
    provider: createBulkSmsBdProvider({ baseUrl: sim.url, ...sim.credentials.bulksmsbd, timeoutMs: 300 }),
    rateLimitPerSecond: 5,
    quietHours: { start: '21:00', end: '08:00' },
    maxAttempts: 2,
    now: () => t,
    backoff: { baseMs: 1_000, maxMs: 10_000 },
    sendLeaseMs: 1_000,
    ...extra,
  });
}

async function queue(): Promise<number> {
  const [r] = await db.sql<{ id: number }[]>`INSERT INTO outbox (idempotency_key, channel, recipient, borrower_id, template, params, body, not_before)
    VALUES (${`k-${Math.random()}`}, 'sms', '01712345678', ${borrower}, 'installment_reminder', '{}', 'কিস্তি ৳১,২৫০', ${new Date(t)}) RETURNING id`;
  return Number(r!.id);
}
const status = async (id: number) => (await db.sql<{ status: string; attempts: number; not_before: Date; last_error: string | null }[]>`SELECT status, attempts, not_before, last_error FROM outbox WHERE id = ${id}`)[0]!;

describe('SMS activities', () => {
  it('sendOne is idempotent: a second call for a sent row does nothing', async () => {
    const a = acts();
    const id = await queue();
    expect((await a.claimDueMessages(10)).ids).toContain(id);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'sent' });
    expect(await a.sendOne(id)).toEqual({ outcome: 'already', status: 'sent' });
    expect(sim.messages()).toHaveLength(1);
  });

  it('an unclaimed row is not sent by sendOne', async () => {
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    expect(await acts().sendOne(id)).toEqual({ outcome: 'not-claimed' });
  });

  it('retryable failures back off exponentially, then give up after maxAttempts without flagging the number', async () => {
    // A 500 leaves the outcome unknown; 'resend' lets this test watch the backoff itself.
    const a = acts({ unknownOutcome: 'resend' });
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    sim.setBehaviour({ failNext: 5 });
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'retry', notBefore: noon + 1_000 });
    expect(await status(id)).toMatchObject({ status: 'pending', attempts: 1 });
    t = noon + 1_000;
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'failed', numberFlagged: false });
    expect((await status(id)).last_error).toMatch(/gave up after 2 attempts: SmsServerError/);
  });

  it('an empty balance is not counted as an attempt', async () => {
    const a = acts();
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    sim.setBehaviour({ insufficientBalance: true });
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'retry', notBefore: noon + 15 * 60_000 });
    expect(await status(id)).toMatchObject({ attempts: 0 });
  });

  it('BulkSMSBD cannot deduplicate: after an unknown outcome, unknownOutcome=fail refuses to resend', async () => {
    const a = acts({ unknownOutcome: 'fail', maxAttempts: 5 });
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    sim.setBehaviour({ hangNext: 1, hangMs: 1_000, deliverWhenHanging: true });
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'retry' });
    t += 60_000;
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/may have been delivered/) });
    expect(sim.messages()).toHaveLength(1);
  });

  it('BulkSMSBD by default does not resend after an unknown outcome: failed, saying it may have arrived', async () => {
    const a = acts({ maxAttempts: 5 });
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    sim.setBehaviour({ hangNext: 1, hangMs: 1_000, deliverWhenHanging: true });
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'retry' });
    t += 60_000;
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'failed' });
    expect(await status(id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/may have been delivered; not resent/) });
    expect(sim.messages()).toHaveLength(1);
  });

  it('BulkSMSBD with unknownOutcome=resend (opted into): the message can arrive twice', async () => {
    const a = acts({ maxAttempts: 5, unknownOutcome: 'resend' });
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    sim.setBehaviour({ hangNext: 1, hangMs: 1_000, deliverWhenHanging: true });
    await a.claimDueMessages(10);
    await a.sendOne(id);
    t += 60_000;
    await a.claimDueMessages(10);
    expect(await a.sendOne(id)).toMatchObject({ outcome: 'sent' });
    expect(sim.messages()).toHaveLength(2);
  });

  it('SSL Wireless: with its status look-up down, the same-day resend is dropped by csms_id; a next-day one is not risked', async () => {
    const real = createSslWirelessProvider({ baseUrl: sim.url, ...sim.credentials.ssl, timeoutMs: 300 });
    const lookupDown: SmsProvider = { ...real, deliveryStatus: () => Promise.reject(new SmsServerError('status look-up unavailable')) };
    const a = acts({ provider: lookupDown, maxAttempts: 5 });
    const evening = dhakaInstant('2026-12-01', '20:50');

    // Same day: the gateway took the first attempt but we timed out; the resend is answered 4023 → sent once.
    t = evening;
    const sameDay = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${sameDay}`;
    sim.setBehaviour({ hangNext: 1, hangMs: 1_000, deliverWhenHanging: true });
    await a.claimDueMessages(10);
    expect(await a.sendOne(sameDay)).toMatchObject({ outcome: 'retry' });
    t += 60_000;
    await a.claimDueMessages(10);
    expect(await a.sendOne(sameDay)).toMatchObject({ outcome: 'sent' });
    expect(sim.messages()).toHaveLength(1);

    // Across midnight: the gateway has forgotten the csms_id, so without the look-up nothing is resent.
    t = evening;
    const nextDay = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${nextDay}`;
    sim.setBehaviour({ hangNext: 1, hangMs: 1_000, deliverWhenHanging: true });
    await a.claimDueMessages(10);
    expect(await a.sendOne(nextDay)).toMatchObject({ outcome: 'retry' });
    t = dhakaInstant('2026-12-02', '09:00');
    await a.claimDueMessages(10);
    expect(await a.sendOne(nextDay)).toMatchObject({ outcome: 'retry' });
    expect(await status(nextDay)).toMatchObject({ status: 'pending' });
    expect(sim.messages()).toHaveLength(2);
  });

  it('reads the quiet hours in force at every claim (the policy can change them while running)', async () => {
    let quiet = { start: '11:00', end: '13:00' };
    const a = acts({ quietHours: async () => quiet });
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'skipped' WHERE status = 'pending' AND id <> ${id}`;
    expect(await a.claimDueMessages(10)).toMatchObject({ ids: [], quietUntil: dhakaInstant('2026-12-01', '13:00') });
    t = dhakaInstant('2026-12-01', '13:30');
    quiet = { start: '13:00', end: '15:00' };
    expect(await a.claimDueMessages(10)).toMatchObject({ ids: [], quietUntil: dhakaInstant('2026-12-01', '15:00') });
    quiet = { start: '21:00', end: '08:00' };
    t = dhakaInstant('2026-12-01', '15:00');
    expect((await a.claimDueMessages(10)).ids).toEqual([id]);
  });

  it('releaseStuck leaves a row alone while its send lease is fresh', async () => {
    const a = acts();
    const id = await queue();
    await db.sql`UPDATE outbox SET status = 'sending', claimed_at = ${new Date(t - 5_000)}, send_started_at = ${new Date(t - 500)} WHERE id = ${id}`;
    expect((await a.releaseStuck(2_000)).released).not.toContain(id);
    t += 2_000;
    expect((await a.releaseStuck(2_000)).released).toContain(id);
  });
});

describe('quietUntil', () => {
  const q = { start: '21:00', end: '08:00' };
  it('knows the window crosses midnight', () => {
    expect(quietUntil(dhakaInstant('2026-12-01', '20:59'), q)).toBeNull();
    expect(quietUntil(dhakaInstant('2026-12-01', '21:00'), q)).toBe(dhakaInstant('2026-12-02', '08:00'));
    expect(quietUntil(dhakaInstant('2026-12-02', '03:30'), q)).toBe(dhakaInstant('2026-12-02', '08:00'));
    expect(quietUntil(dhakaInstant('2026-12-02', '08:00'), q)).toBeNull();
    expect(quietUntil(dhakaInstant('2026-12-02', '13:30'), { start: '13:00', end: '14:00' })).toBe(dhakaInstant('2026-12-02', '14:00'));
    expect(quietUntil(dhakaInstant('2026-12-02', '13:30'), { start: '00:00', end: '00:00' })).toBeNull();
    expect(() => quietUntil(0, { start: '9pm', end: '08:00' })).toThrow(/HH:MM/);
  });
});
