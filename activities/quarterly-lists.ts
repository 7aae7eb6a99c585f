// Each quarter, per upazila: which societies are active and inactive by the rules, kept as a report
// and posted as a notice to the upazila's group (by its Upazila Cooperative Officer).
import { randomUUID } from 'node:crypto';
import { bnDigits } from '../domain/bengali';
import { evaluateSocieties, societyFacts } from '../network/society-activity';
import { startNoticeWorkflow } from '../network/start-notice';
import type { ActivityDeps } from '.';

export interface QuarterlyListResult {
  officeId: string;
  active: number;
  inactive: number;
  /** Null when the report already existed (a retry) or no officer could post it. */
  noticeId: string | null;
}

export function createQuarterlyActivities({ sql, policy, temporal }: ActivityDeps, opts: { taskQueue?: string } = {}) {
  return {
    async listUpazilas(): Promise<string[]> {
      return (await sql<{ id: string }[]>`SELECT id FROM offices WHERE level = 'upazila' ORDER BY id`).map((r) => r.id);
    },

    async produceQuarterlyList(req: { officeId: string; quarter: string; asOf: number }): Promise<QuarterlyListResult> {
      const set = await policy.get();
      const rules = set.files.notices;
      const statuses = await evaluateSocieties(rules.content, await societyFacts(sql, req.officeId, new Date(req.asOf)));
      const active = statuses.filter((s) => s.active);
      const inactive = statuses.filter((s) => !s.active);
      return sql.begin(async (tx) => {
        const [report] = await tx<{ id: string }[]>`
          INSERT INTO society_status_reports (id, office_id, quarter, rule_set_version, items)
          VALUES (${randomUUID()}, ${req.officeId}, ${req.quarter}, ${rules.version}, ${tx.json(statuses as never)})
          ON CONFLICT (office_id, quarter) DO NOTHING RETURNING id`;
        if (!report) return { officeId: req.officeId, active: active.length, inactive: inactive.length, noticeId: null };
        const [poster] = await tx<{ id: string }[]>`
          SELECT u.id FROM users u JOIN offices o ON o.id = ${req.officeId}
          WHERE u.active AND ((u.office_id = o.id AND u.role = 'upazila_officer') OR (u.office_id = o.parent_id AND u.role = 'district_officer'))
          ORDER BY (u.role = 'upazila_officer') DESC, u.created_at LIMIT 1`;
        const [group] = await tx<{ id: string }[]>`SELECT id FROM comm_groups WHERE office_id = ${req.officeId}`;
        if (!poster || !group) return { officeId: req.officeId, active: active.length, inactive: inactive.length, noticeId: null };
        const noticeId = randomUUID();
        const lines = [
          `কার্যকর সমিতি: ${bnDigits(active.length)}টি, অকার্যকর: ${bnDigits(inactive.length)}টি।`,
          ...inactive.map((s, i) => `${bnDigits(i + 1)}. ${s.nameBn} — ${s.reasons.map((r) => r.reason).join('; ')}`),
        ];
        await tx`
          INSERT INTO notices (id, office_id, category, title, body, posted_by, workflow_id, rule_set_version)
          VALUES (${noticeId}, ${req.officeId}, 'quarterly_list', ${`কার্যকর ও অকার্যকর সমবায় সমিতির তালিকা — ${req.quarter}`}, ${lines.join('\n')},
            ${poster.id}, ${`notice-${noticeId}`}, ${rules.version})`;
        await tx`INSERT INTO notice_groups (notice_id, group_id) VALUES (${noticeId}, ${group.id})`;
        await tx`UPDATE society_status_reports SET notice_id = ${noticeId} WHERE id = ${report.id}`;
        return { officeId: req.officeId, active: active.length, inactive: inactive.length, noticeId };
      }).then(async (result) => {
        // After the commit; a failed start is caught up by start-up (resumeNotices).
        if (result.noticeId && temporal && opts.taskQueue) await startNoticeWorkflow(temporal, opts.taskQueue, result.noticeId);
        return result;
      });
    },
  };
}
