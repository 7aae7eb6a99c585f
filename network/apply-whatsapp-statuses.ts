// WhatsApp's delivery statuses onto the notices' delivery rows: forward only (sent → delivered →
// read; a late "sent" never undoes "read"); delivered or read is "reached", read is "read".
import type { Sql } from '../db/client';
import type { WhatsAppStatus } from '../whatsapp/webhook';

const RANK: Record<string, number> = { sending: 0, sent: 1, failed: 2, delivered: 3, read: 4 };

export async function applyWhatsAppStatuses(sql: Sql, statuses: WhatsAppStatus[]): Promise<number> {
  let applied = 0;
  for (const s of statuses) {
    const at = new Date(s.at);
    const rows = await sql`
      UPDATE notice_deliveries SET
        wa_status = CASE WHEN ${RANK[s.status]!} > coalesce(${sql.unsafe(`CASE wa_status ${Object.entries(RANK).map(([k, v]) => `WHEN '${k}' THEN ${v}`).join(' ')} ELSE -1 END`)}, -1) THEN ${s.status} ELSE wa_status END,
        wa_error = coalesce(${s.error}, wa_error),
        wa_updated_at = now(),
        reached_at = CASE WHEN ${s.status} IN ('delivered', 'read') THEN coalesce(reached_at, ${at}) ELSE reached_at END,
        reached_via = CASE WHEN ${s.status} IN ('delivered', 'read') AND reached_at IS NULL THEN 'whatsapp' ELSE reached_via END,
        read_at = CASE WHEN ${s.status} = 'read' THEN coalesce(read_at, ${at}) ELSE read_at END
      WHERE wa_message_id = ${s.messageId} RETURNING 1`;
    applied += rows.length;
  }
  return applied;
}
