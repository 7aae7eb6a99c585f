// The side effects of a notice's delivery (workflows/notice.ts): who it goes to, WhatsApp to those
// who opted in, SMS to whoever it has not reached in time, reminders before the event, the tally.
// Every step is idempotent: a retried activity finds its earlier work in notice_deliveries.
import { ApplicationFailure } from '@temporalio/activity';
import { bnDate } from '../domain/bengali';
import { dhakaInstant } from '../domain/dhaka-time';
import { parseDuration } from '../domain/duration';
import { syncGroups } from '../network/sync-groups';
import type { NoticeWhatsApp } from '../network/notice-channel';
import { countSegments } from '../sms/segments';
import { loadTemplatesSync } from '../sms/templates';
import type { ActivityDeps } from '.';

export interface NoticePlan {
  recipients: number;
  whatsapp: number;
  /** Epoch ms: SMS goes to everyone not reached by then. */
  fallbackAt: number;
  /** Epoch ms of the reminder before the event, or null (no event date, or already past). */
  reminderAt: number | null;
  /** Epoch ms after which the notice is no longer followed. */
  followUntil: number;
  ruleSetVersion: string;
}

interface NoticeRow {
  id: string;
  title: string;
  office_name: string;
  posted_at: Date;
  posted_by: string;
  event_on: string | null;
}

/** The hour of an event day people are reminded against (Dhaka time). */
const EVENT_TIME = '10:00';

export function createNoticeActivities({ sql, policy }: ActivityDeps, opts: { whatsapp?: NoticeWhatsApp; publicUrl?: string } = {}) {
  const templates = loadTemplatesSync();
  const link = (id: string) => `${opts.publicUrl ?? 'http://localhost:3000'}/notices/${id}`;

  async function notice(id: string): Promise<NoticeRow> {
    const [n] = await sql<NoticeRow[]>`
      SELECT n.id, n.title, o.name_bn AS office_name, n.posted_at, n.posted_by, n.event_on::text AS event_on
      FROM notices n JOIN offices o ON o.id = n.office_id WHERE n.id = ${id}`;
    if (!n) throw ApplicationFailure.create({ type: 'NoticeNotFound', message: `notice ${id} is not in the database`, nonRetryable: true });
    return n;
  }

  /** Queues one SMS per row given, at most once per notice, person and kind. */
  async function queueSms(rows: { person_key: string; mobile: string }[], n: NoticeRow, kind: 'notice' | 'notice_reminder'): Promise<number> {
    let queued = 0;
    for (const r of rows) {
      const body = templates.render(kind, { office: n.office_name, title: n.title, link: link(n.id), date: n.event_on ? bnDate(n.event_on) : '' });
      const [row] = await sql<{ id: number }[]>`
        INSERT INTO outbox (idempotency_key, channel, recipient, template, params, body, segments)
        VALUES (${`${kind}:${n.id}:${r.person_key}`}, 'sms', ${r.mobile}, ${kind}, ${sql.json({ noticeId: n.id, person: r.person_key })}, ${body}, ${countSegments(body).segments})
        ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = excluded.idempotency_key
        RETURNING id`;
      if (kind === 'notice') await sql`UPDATE notice_deliveries SET sms_outbox_id = ${row!.id} WHERE notice_id = ${n.id} AND person_key = ${r.person_key}`;
      else await sql`UPDATE notice_deliveries SET reminder_sent_at = coalesce(reminder_sent_at, now()) WHERE notice_id = ${n.id} AND person_key = ${r.person_key}`;
      queued += 1;
    }
    return queued;
  }

  return {
    /** Fixes who the notice is for (the groups' members now, each person once) and when each step is due. */
    async prepareNoticeDelivery(noticeId: string): Promise<NoticePlan> {
      const n = await notice(noticeId);
      const set = await policy.get();
      const rules = set.files.notices.content;
      await syncGroups(sql);
      await sql`
        INSERT INTO notice_deliveries (notice_id, person_key, user_id, leader_id, society_id, group_id, name, mobile, whatsapp_ok)
        SELECT DISTINCT ON (person_key) ${noticeId}::uuid, person_key, user_id, leader_id, society_id, group_id, name, mobile, whatsapp_ok
        FROM (
          SELECT CASE WHEN m.user_id IS NOT NULL THEN 'u:' || m.user_id ELSE 'l:' || m.leader_id END AS person_key,
            coalesce(m.user_id, l.user_id) AS user_id, m.leader_id, l.society_id, m.group_id,
            coalesce(u.name, l.name) AS name, coalesce(l.mobile, u.mobile) AS mobile,
            coalesce(l.whatsapp_consent_at, u.whatsapp_consent_at) IS NOT NULL AND coalesce(l.preferred_channel, u.preferred_channel) = 'whatsapp'
              AND coalesce(l.mobile, u.mobile) IS NOT NULL AS whatsapp_ok
          FROM notice_groups g JOIN group_members m ON m.group_id = g.group_id AND m.left_at IS NULL
          LEFT JOIN users u ON u.id = m.user_id LEFT JOIN society_leaders l ON l.id = m.leader_id
          WHERE g.notice_id = ${noticeId}) people
        WHERE person_key <> 'u:' || ${n.posted_by}
        ORDER BY person_key, group_id
        ON CONFLICT DO NOTHING`;
      const [counts] = await sql<[{ recipients: number; whatsapp: number }]>`
        SELECT count(*)::int AS recipients, count(*) FILTER (WHERE whatsapp_ok)::int AS whatsapp FROM notice_deliveries WHERE notice_id = ${noticeId}`;
      const posted = n.posted_at.getTime();
      const event = n.event_on ? dhakaInstant(n.event_on, EVENT_TIME) : null;
      const reminderAt = event === null ? null : event - parseDuration(rules.delivery.reminderBefore);
      return {
        ...counts,
        fallbackAt: posted + parseDuration(rules.delivery.smsFallbackAfter),
        reminderAt: reminderAt !== null && reminderAt > posted ? reminderAt : null,
        followUntil: Math.max(posted + parseDuration(rules.delivery.followFor), event ?? 0),
        ruleSetVersion: set.files.notices.version,
      };
    },

    /** The WhatsApp template to every opted-in member not yet sent one. A member whose send outcome is unknown is left to SMS, never sent twice. */
    async sendNoticeWhatsApp(noticeId: string): Promise<{ sent: number; failed: number }> {
      if (!opts.whatsapp) return { sent: 0, failed: 0 };
      const n = await notice(noticeId);
      const rows = await sql<{ person_key: string; mobile: string }[]>`
        UPDATE notice_deliveries SET wa_status = 'sending', wa_updated_at = now()
        WHERE notice_id = ${noticeId} AND whatsapp_ok AND wa_status IS NULL RETURNING person_key, mobile`;
      let sent = 0;
      let failed = 0;
      for (const r of rows) {
        let result;
        try {
          result = await opts.whatsapp.sendNotice(r.mobile, { office: n.office_name, title: n.title, link: link(noticeId) });
        } catch (err) {
          // Meta may have taken it (time-out, 5xx, lost connection) and the endpoint has no idempotency
          // key: never send again; the row stays 'sending' and the SMS fallback reaches this member.
          if ((err as { outcomeUnknown?: boolean }).outcomeUnknown) {
            failed += 1;
            continue;
          }
          // Certainly not sent (throttled): hand the row back for the retry of this activity.
          await sql`UPDATE notice_deliveries SET wa_status = NULL WHERE notice_id = ${noticeId} AND person_key = ${r.person_key} AND wa_status = 'sending'`;
          throw err;
        }
        if (result.ok) {
          sent += 1;
          await sql`UPDATE notice_deliveries SET wa_status = CASE WHEN wa_status = 'sending' THEN 'sent' ELSE wa_status END,
              wa_message_id = ${result.messageId}, wa_updated_at = now(), cost_poisha = cost_poisha + ${opts.whatsapp.pricePoisha}
            WHERE notice_id = ${noticeId} AND person_key = ${r.person_key}`;
        } else {
          failed += 1;
          await sql`UPDATE notice_deliveries SET wa_status = 'failed', wa_error = ${result.reason}, wa_updated_at = now()
            WHERE notice_id = ${noticeId} AND person_key = ${r.person_key}`;
        }
      }
      return { sent, failed };
    },

    /** SMS to every member the notice has not reached (not read in the app, not delivered on WhatsApp). */
    async sendNoticeSmsFallback(noticeId: string): Promise<{ queued: number }> {
      const n = await notice(noticeId);
      const rows = await sql<{ person_key: string; mobile: string }[]>`
        SELECT person_key, mobile FROM notice_deliveries
        WHERE notice_id = ${noticeId} AND mobile IS NOT NULL AND sms_outbox_id IS NULL AND reached_at IS NULL
          AND app_read_at IS NULL AND coalesce(wa_status, '') NOT IN ('delivered', 'read')`;
      return { queued: await queueSms(rows, n, 'notice') };
    },

    /** Before the event: SMS to members who have not read the notice. */
    async sendNoticeReminders(noticeId: string): Promise<{ queued: number }> {
      const n = await notice(noticeId);
      const rows = await sql<{ person_key: string; mobile: string }[]>`
        SELECT person_key, mobile FROM notice_deliveries
        WHERE notice_id = ${noticeId} AND mobile IS NOT NULL AND read_at IS NULL AND reminder_sent_at IS NULL`;
      return { queued: await queueSms(rows, n, 'notice_reminder') };
    },

    /** Closes the notice: SMS costs added to each member's row, status done. */
    async finishNotice(noticeId: string): Promise<{ recipients: number; reached: number; costPoisha: number }> {
      return sql.begin(async (tx) => {
        await tx`
          UPDATE notice_deliveries d SET cost_poisha = d.cost_poisha + coalesce((
            SELECT sum(o.cost_poisha) FROM outbox o WHERE o.idempotency_key IN ('notice:' || d.notice_id || ':' || d.person_key, 'notice_reminder:' || d.notice_id || ':' || d.person_key)), 0)
          FROM notices n WHERE n.id = d.notice_id AND d.notice_id = ${noticeId} AND n.status = 'delivering'`;
        await tx`UPDATE notices SET status = 'done', finished_at = coalesce(finished_at, now()) WHERE id = ${noticeId}`;
        const [t] = await tx<[{ recipients: number; reached: number; cost: number }]>`
          SELECT count(*)::int AS recipients, count(*) FILTER (WHERE d.reached_at IS NOT NULL OR o.status IN ('sent', 'delivered'))::int AS reached,
            coalesce(sum(d.cost_poisha), 0)::bigint AS cost
          FROM notice_deliveries d LEFT JOIN outbox o ON o.id = d.sms_outbox_id WHERE d.notice_id = ${noticeId}`;
        return { recipients: t.recipients, reached: t.reached, costPoisha: Number(t.cost) };
      });
    },
  };
}
