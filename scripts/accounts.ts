// Accounts made at start-up: the first administrator of an empty system, and the demo's officers.
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from '../api/auth/passwords';
import type { Sql } from '../db/client';

/** On a system with no accounts, one hq_admin `admin` with a one-time password that must be changed. */
export async function ensureFirstAdmin(sql: Sql): Promise<{ username: string; password: string } | null> {
  const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM users`;
  if (n > 0) return null;
  await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES ('BD', NULL, 'hq', 'সমবায় অধিদপ্তর', 'Department of Cooperatives')
    ON CONFLICT (id) DO NOTHING`;
  const password = randomBytes(12).toString('base64url');
  await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, must_change_password, created_by)
    VALUES (${randomUUID()}, 'admin', 'System administrator', 'hq_admin', 'BD', ${await hashPassword(password)}, true, 'start-up')
    ON CONFLICT (username) DO NOTHING`;
  return { username: 'admin', password };
}

export const DEMO_PASSWORD = 'asrayon-demo-2026';

/** One account per role for the demo, all with the same well-known password (demo data only). */
export const DEMO_ACCOUNTS = [
  { username: 'hq-admin', name: 'প্রধান কার্যালয় প্রশাসক', role: 'hq_admin', officeId: 'BD' },
  { username: 'khulna', name: 'বিভাগীয় যুগ্ম নিবন্ধক, খুলনা', role: 'divisional_officer', officeId: 'KHULNA' },
  { username: 'dco-jhenaidah', name: 'জেলা সমবায় অফিসার, ঝিনাইদহ', role: 'district_officer', officeId: 'JHENAIDAH' },
  { username: 'uco-sadar', name: 'উপজেলা সমবায় অফিসার, ঝিনাইদহ সদর', role: 'upazila_officer', officeId: 'JHENAIDAH-SADAR' },
  { username: 'uco-kaliganj', name: 'উপজেলা সমবায় অফিসার, কালীগঞ্জ', role: 'upazila_officer', officeId: 'JHENAIDAH-KALIGANJ' },
  { username: 'collector-sadar', name: 'সহকারী পরিদর্শক, ঝিনাইদহ সদর', role: 'collector', officeId: 'JHENAIDAH-SADAR' },
  { username: 'auditor-jhenaidah', name: 'নিরীক্ষক, ঝিনাইদহ', role: 'auditor', officeId: 'JHENAIDAH' },
  { username: 'society-sadar-1', name: 'সভাপতি, পোড়াহাটি সমিতি', role: 'society_rep', officeId: 'JHENAIDAH-SADAR', societyId: 'JHENAIDAH-SADAR-S1' },
] as const;

export async function seedDemoAccounts(sql: Sql): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const a of DEMO_ACCOUNTS) {
    await sql`INSERT INTO users (id, username, name, role, office_id, society_id, password_hash, created_by)
      VALUES (${randomUUID()}, ${a.username}, ${a.name}, ${a.role}, ${a.officeId}, ${'societyId' in a ? a.societyId : null}, ${hash}, 'demo')
      ON CONFLICT (username) DO NOTHING`;
  }
}
