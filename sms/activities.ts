// Sending the outbox's SMS rows: claim due rows, send one, put back rows a dead worker left behind.
// The dispatcher workflow (dispatcher-workflow.ts) drives these; every decision that needs the
// clock uses deps.now, so tests can stand at 23:00 in Dhaka.
//
// What "never sent twice" covers: a row reaches the provider only while its lease (send_started_at)
// is held, and is never sent again once 'sent'/'failed'. When an attempt's outcome is unknown (time-out,
// lost connection, worker death mid-send) the next attempt first asks the provider (deliveryStatus)
// and, with SSL Wireless, resends under the same csms_id, which the gateway refuses to deliver twice.
// A provider with neither (BulkSMSBD) is not resent after an unknown outcome: the row fails saying it
// may have been delivered (unknownOutcome 'fail', the default; 'resend' risks a second copy instead).
// See the report in sms/README.md.
import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../db/client';
import { SmsConfigError, SmsError, SmsInsufficientBalanceError, SmsNetworkError, SmsServerError, SmsThrottledError, SmsTimeoutError, type SmsProvider } from './provider';
import { toDhakaDate } from '../domain/dhaka-time';
import { quietUntil, type QuietHours } from './quiet-hours';
import { countSegments, estimateCostPoisha, type SmsPrices } from './segments';

export interface SmsActivityDeps {
  sql: Sql;
  provider: SmsProvider;
  rateLimitPerSecond: number;
  /** Fixed, or read at every claim (the policy in force: rules/reminders.json's quietHours). */
  quietHours: QuietHours | (() => Promise<QuietHours>);
  maxAttempts: number;
  now?: () => number;
  /** Retry delay after a failed attempt: base × 2^(attempt-1), capped. */
  backoff?: { baseMs: number; maxMs: number };
  /** Delay when the fault is the account's (balance, credentials) or the provider throttles; not counted as an attempt. */
  accountRetryMs?: number;
  /** How long one send may hold a row; longer than the provider client's own time-out. */
  sendLeaseMs?: number;
  /**
   * For a provider that can neither deduplicate nor be asked: fail (the default — never twice; the
   * message shows as failed "may have been delivered" for an officer to judge) or resend (may duplicate).
   */
  unknownOutcome?: 'resend' | 'fail';
  prices?: SmsPrices;
}

export interface ClaimResult {
  ids: number[];
  /** Earliest not_before among pending SMS rows (epoch ms), for the dispatcher's sleep. */
  nextDueAt: number | null;
  ratePerSecond: number;
  /** Set when the claim happened inside quiet hours: nothing was claimed and due rows wait until then. */
  quietUntil: number | null;
}

export type SendOutcome =
  | { outcome: 'sent'; providerMessageId: string | null; confirmedWithoutResend?: boolean }
  | { outcome: 'retry'; notBefore: number; error: string }
  | { outcome: 'failed'; error: string; numberFlagged: boolean }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'already'; status: string }
  | { outcome: 'not-claimed' };

interface Row {
  id: number;
  recipient: string | null;
  borrower_id: string | null;
  body: string;
  attempts: number;
  prev_started: Date | null;
  outcome_unknown_since: Date | null;
  mobile: string | null;
  mobile_failed_at: Date | null;
}

/** The id the provider sees: stable across attempts, so a provider that deduplicates can. */
export function clientMessageId(outboxId: number): string {
  return `asr-${outboxId}`;
}

export function createSmsActivities(deps: SmsActivityDeps) {
  const { sql, provider } = deps;
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? { baseMs: 60_000, maxMs: 3_600_000 };
  const accountRetryMs = deps.accountRetryMs ?? 15 * 60_000;
  const leaseMs = deps.sendLeaseMs ?? 60_000;

  async function nextDue(): Promise<number | null> {
    const [r] = await sql<{ at: Date | null }[]>`SELECT min(not_before) AS at FROM outbox WHERE channel = 'sms' AND status = 'pending'`;
    return r?.at ? r.at.getTime() : null;
  }

  /** Ends an attempt: only the attempt holding the lease may write its outcome. */
  async function finish(id: number, lease: Date, fields: Record<string, unknown>): Promise<boolean> {
    const rows = await sql`UPDATE outbox SET ${sql(fields)}, send_started_at = NULL WHERE id = ${id} AND status = 'sending' AND send_started_at = ${lease} RETURNING id`;
    return rows.length > 0;
  }

  async function retryLater(row: Row, lease: Date, err: unknown, counted: boolean, unknown: boolean): Promise<SendOutcome> {
    const error = describe(err);
    const attempts = counted ? row.attempts : row.attempts - 1;
    if (counted && attempts >= deps.maxAttempts) {
      await finish(row.id, lease, { status: 'failed', last_error: `gave up after ${attempts} attempts: ${error}`, attempts });
      return { outcome: 'failed', error, numberFlagged: false };
    }
    const delay = counted ? Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1)) : accountRetryMs;
    const notBefore = now() + delay;
    await finish(row.id, lease, {
      status: 'pending',
      attempts,
      last_error: error,
      not_before: new Date(notBefore),
      claimed_at: null,
      outcome_unknown_since: unknown ? (row.outcome_unknown_since ?? lease) : row.outcome_unknown_since,
    });
    return { outcome: 'retry', notBefore, error };
  }

  async function markSent(row: Row, lease: Date, providerMessageId: string | null, note: string | null): Promise<void> {
    const segments = countSegments(row.body).segments;
    await finish(row.id, lease, {
      status: 'sent',
      provider: provider.name,
      provider_message_id: providerMessageId,
      sent_at: new Date(now()),
      segments,
      cost_poisha: deps.prices ? estimateCostPoisha(row.body, deps.prices) : null,
      last_error: note,
      outcome_unknown_since: null,
    });
  }

  return {
    /**
     * Claims up to `limit` due SMS rows (status → 'sending'). Inside quiet hours nothing is claimed;
     * rows that fall due before the quiet hours end have not_before moved to their end instead.
     */
    async claimDueMessages(limit: number): Promise<ClaimResult> {
      const at = now();
      const quiet = quietUntil(at, typeof deps.quietHours === 'function' ? await deps.quietHours() : deps.quietHours);
      if (quiet !== null) {
        await sql`UPDATE outbox SET not_before = ${new Date(quiet)} WHERE channel = 'sms' AND status = 'pending' AND not_before < ${new Date(quiet)}`;
        return { ids: [], nextDueAt: await nextDue(), ratePerSecond: deps.rateLimitPerSecond, quietUntil: quiet };
      }
      const rows = await sql<{ id: number }[]>`
        UPDATE outbox SET status = 'sending', claimed_at = ${new Date(at)}
        WHERE id IN (
          SELECT id FROM outbox
          WHERE channel = 'sms' AND status = 'pending' AND not_before <= ${new Date(at)}
          ORDER BY not_before, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING id`;
      const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
      return { ids, nextDueAt: await nextDue(), ratePerSecond: deps.rateLimitPerSecond, quietUntil: null };
    },

    /** Sends one claimed row. Safe to call again for the same row at any time. */
    async sendOne(outboxId: number): Promise<SendOutcome> {
      const at = new Date(now());
      const [row] = await sql<Row[]>`
        WITH prev AS (SELECT id, send_started_at AS prev_started FROM outbox WHERE id = ${outboxId} FOR UPDATE)
        UPDATE outbox o SET send_started_at = ${at}, attempts = o.attempts + 1
        FROM prev
        WHERE o.id = prev.id AND o.channel = 'sms' AND o.status = 'sending'
          AND (o.send_started_at IS NULL OR o.send_started_at < ${new Date(at.getTime() - leaseMs)})
        RETURNING o.id, o.recipient, o.borrower_id, o.body, o.attempts, prev.prev_started, o.outcome_unknown_since,
          (SELECT mobile FROM borrowers WHERE id = o.borrower_id) AS mobile,
          (SELECT mobile_failed_at FROM borrowers WHERE id = o.borrower_id) AS mobile_failed_at`;
      if (!row) {
        const [current] = await sql<{ status: string }[]>`SELECT status FROM outbox WHERE id = ${outboxId}`;
        if (!current) throw ApplicationFailure.nonRetryable(`outbox row ${outboxId} does not exist`, 'OutboxRowMissing');
        if (current.status === 'pending') return { outcome: 'not-claimed' };
        if (current.status !== 'sending') return { outcome: 'already', status: current.status };
        // Another attempt holds the lease; Temporal retries this one after it has ended or expired.
        throw ApplicationFailure.retryable(`outbox row ${outboxId}: another send is in flight`, 'SendInFlight');
      }
      row.id = Number(row.id);

      if (!row.recipient) {
        await finish(row.id, at, { status: 'skipped', last_error: 'no recipient', attempts: row.attempts - 1 });
        return { outcome: 'skipped', reason: 'no recipient' };
      }
      if (row.mobile_failed_at && row.mobile === row.recipient) {
        const reason = `number refused by the network on ${row.mobile_failed_at.toISOString()}; correct the borrower's mobile`;
        await finish(row.id, at, { status: 'skipped', last_error: reason, attempts: row.attempts - 1 });
        return { outcome: 'skipped', reason };
      }

      const cid = clientMessageId(row.id);
      // An earlier attempt may have reached the provider: ask before sending again.
      const earlier = row.outcome_unknown_since ?? row.prev_started;
      if (earlier) {
        // SSL Wireless drops a repeated csms_id only within the day it first saw it.
        const dedupes = provider.dedupesClientIds && (!provider.dedupesSameDayOnly || toDhakaDate(earlier.getTime()) === toDhakaDate(at.getTime()));
        if (provider.deliveryStatus) {
          try {
            const { state, providerMessageId } = await provider.deliveryStatus({ clientMessageId: cid });
            if (state === 'accepted' || state === 'delivered') {
              await markSent(row, at, providerMessageId, 'confirmed with the provider after an attempt with unknown outcome; not resent');
              return { outcome: 'sent', providerMessageId, confirmedWithoutResend: true };
            }
          } catch (err) {
            if (!dedupes) return retryLater(row, at, err, true, true);
            // The resend below is harmless: the provider drops a repeated client id.
          }
        } else if (!dedupes && (deps.unknownOutcome ?? 'fail') === 'fail') {
          const error = 'an earlier attempt may have been delivered; not resent (provider cannot deduplicate)';
          await finish(row.id, at, { status: 'failed', last_error: error });
          return { outcome: 'failed', error, numberFlagged: false };
        }
      }

      let result;
      try {
        result = await provider.send({ to: row.recipient, body: row.body, clientMessageId: cid });
      } catch (err) {
        const account = err instanceof SmsInsufficientBalanceError || err instanceof SmsConfigError || err instanceof SmsThrottledError;
        const unknown = err instanceof SmsTimeoutError || err instanceof SmsNetworkError || err instanceof SmsServerError || !(err instanceof SmsError);
        return retryLater(row, at, err, !account, unknown);
      }
      if (result.status === 'accepted') {
        await markSent(row, at, result.providerMessageId, result.reason ?? null);
        return { outcome: 'sent', providerMessageId: result.providerMessageId };
      }
      if (!result.permanent) return retryLater(row, at, new Error(result.reason ?? 'rejected'), true, false);

      const reason = result.reason ?? 'rejected by the provider';
      let flagged = false;
      await sql.begin(async (tx) => {
        const done = await tx`UPDATE outbox SET status = 'failed', last_error = ${reason}, provider = ${provider.name}, send_started_at = NULL, outcome_unknown_since = NULL
          WHERE id = ${row.id} AND status = 'sending' AND send_started_at = ${at} RETURNING id`;
        if (done.length && row.borrower_id) {
          const b = await tx`UPDATE borrowers SET mobile_failed_at = ${at}, mobile_failure_reason = ${reason}
            WHERE id = ${row.borrower_id} AND mobile = ${row.recipient} RETURNING id`;
          flagged = b.length > 0;
        }
      });
      return { outcome: 'failed', error: reason, numberFlagged: flagged };
    },

    /**
     * Puts rows a dead worker left in 'sending' back to 'pending'. A row whose send had begun is
     * marked outcome-unknown, so its next attempt checks with the provider before sending again.
     */
    async releaseStuck(olderThanMs: number): Promise<{ released: number[] }> {
      const at = now();
      const cutoff = new Date(at - Math.max(olderThanMs, leaseMs));
      const rows = await sql<{ id: number }[]>`
        UPDATE outbox SET status = 'pending', claimed_at = NULL, not_before = ${new Date(at)},
          outcome_unknown_since = COALESCE(outcome_unknown_since, send_started_at), send_started_at = NULL
        WHERE channel = 'sms' AND status = 'sending' AND claimed_at < ${new Date(at - olderThanMs)}
          AND (send_started_at IS NULL OR send_started_at < ${cutoff})
        RETURNING id`;
      return { released: rows.map((r) => Number(r.id)) };
    },
  };
}

export type SmsActivities = ReturnType<typeof createSmsActivities>;

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 1000);
  return String(err).slice(0, 1000);
}
