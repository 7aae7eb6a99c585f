// Keeps the network's groups in step with the office tree, the accounts and the society register:
// one group per district (admin: the District Cooperative Officer; members: every officer of the
// district and its upazilas) and one per upazila (admin: the Upazila Cooperative Officer; members:
// the current president and secretary of every active society; the District Cooperative Officer
// as monitor). Computes what membership should be and moves the table there in one transaction:
// new members join, members who no longer belong leave with the reason, history is kept.
import type { Sql } from '../db/client';

export interface SyncResult {
  groups: number;
  joined: number;
  left: number;
  roleChanged: number;
}

export async function syncGroups(sql: Sql): Promise<SyncResult> {
  return sql.begin(async (tx) => {
    // Serialise syncs: two at once would both insert the same new member.
    await tx`SELECT pg_advisory_xact_lock(hashtext('asrayon.sync-groups'))`;
    const groups = await tx`
      INSERT INTO comm_groups (id, kind, office_id, name_bn, name_en)
      SELECT o.level || ':' || o.id, o.level, o.id, 'সমবায় ' || o.name_bn, 'Coop ' || o.name_en
      FROM offices o WHERE o.level IN ('district', 'upazila')
      ON CONFLICT (id) DO UPDATE SET name_bn = excluded.name_bn, name_en = excluded.name_en
      RETURNING id`;

    await tx`
      CREATE TEMP TABLE desired_members ON COMMIT DROP AS
      -- District group: every active officer of the district office and its upazilas; the DCO administers.
      SELECT 'district:' || d.id AS group_id, 'officer' AS member_kind, u.id AS user_id, NULL::uuid AS leader_id,
        CASE WHEN u.role = 'district_officer' AND u.office_id = d.id THEN 'admin' ELSE 'member' END AS role
      FROM offices d JOIN offices o ON o.id = d.id OR o.parent_id = d.id
      JOIN users u ON u.office_id = o.id AND u.active AND u.role <> 'society_rep'
      WHERE d.level = 'district'
      UNION ALL
      -- Upazila group: the UCO administers; the DCO of the district monitors.
      SELECT 'upazila:' || up.id, 'officer', u.id, NULL,
        CASE WHEN u.office_id = up.id THEN 'admin' ELSE 'monitor' END
      FROM offices up JOIN users u ON u.active AND (
        (u.office_id = up.id AND u.role = 'upazila_officer') OR (u.office_id = up.parent_id AND u.role = 'district_officer'))
      WHERE up.level = 'upazila'
      UNION ALL
      -- and the current president and secretary of every active society in the upazila.
      SELECT 'upazila:' || s.office_id, 'leader', NULL, l.id, 'member'
      FROM societies s JOIN society_leaders l ON l.society_id = s.id AND l.ended_on IS NULL
      WHERE s.active`;

    const joined = await tx`
      INSERT INTO group_members (group_id, member_kind, user_id, leader_id, role)
      SELECT d.group_id, d.member_kind, d.user_id, d.leader_id, d.role FROM desired_members d
      WHERE NOT EXISTS (
        SELECT 1 FROM group_members m WHERE m.group_id = d.group_id AND m.left_at IS NULL
          AND (m.user_id = d.user_id OR m.leader_id = d.leader_id))
      RETURNING id`;

    const roleChanged = await tx`
      UPDATE group_members m SET role = d.role FROM desired_members d
      WHERE m.left_at IS NULL AND m.group_id = d.group_id AND (m.user_id = d.user_id OR m.leader_id = d.leader_id) AND m.role <> d.role
      RETURNING m.id`;

    const left = await tx`
      UPDATE group_members m SET left_at = now(), left_reason = CASE
          WHEN m.member_kind = 'leader' AND l.ended_on IS NOT NULL THEN 'term ended'
          WHEN m.member_kind = 'leader' AND NOT s.active THEN 'society inactive'
          WHEN m.member_kind = 'officer' AND NOT u.active THEN 'account deactivated'
          ELSE 'no longer in this office or role' END
      FROM group_members g
      LEFT JOIN society_leaders l ON l.id = g.leader_id
      LEFT JOIN societies s ON s.id = l.society_id
      LEFT JOIN users u ON u.id = g.user_id
      WHERE m.id = g.id AND m.left_at IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM desired_members d WHERE d.group_id = m.group_id AND (d.user_id = m.user_id OR d.leader_id = m.leader_id))
      RETURNING m.id`;

    return { groups: groups.length, joined: joined.length, left: left.length, roleChanged: roleChanged.length };
  });
}
