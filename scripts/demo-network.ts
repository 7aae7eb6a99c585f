// The communication network's demo, shaped like the second seed's pilot: Magura district (Khulna
// division) with its 4 upazilas, their project and cooperative societies with a president and a
// secretary each (some societies inactive: no AGM or audit for too long), consent to WhatsApp for
// about two thirds of the leaders, the pilot's monthly enrolment targets (Sadar 12, Mohammadpur 5,
// Shalikha 3, Sreepur 7 …) and members who joined month by month since January. Fixed seed.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { hashPassword } from '../api/auth/passwords';
import { syncGroups } from '../network/sync-groups';
import { DEMO_PASSWORD } from './accounts';

const UPAZILAS = [
  { id: 'MAGURA-SADAR', bn: 'মাগুরা সদর', en: 'Magura Sadar', societies: 14, targets: [12, 12, 11, 10, 10, 10, 10, 10, 10, 10, 10] },
  { id: 'MAGURA-MOHAMMADPUR', bn: 'মহম্মদপুর', en: 'Mohammadpur', societies: 8, targets: [5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4] },
  { id: 'MAGURA-SHALIKHA', bn: 'শালিখা', en: 'Shalikha', societies: 6, targets: [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3] },
  { id: 'MAGURA-SREEPUR', bn: 'শ্রীপুর', en: 'Sreepur', societies: 9, targets: [7, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5] },
];

const KINDS = [
  ['কৃষি সমবায় সমিতি লিঃ', 'Krishi Cooperative Society Ltd'], ['মৎস্যজীবী সমবায় সমিতি লিঃ', 'Fishermen’s Cooperative Society Ltd'],
  ['মহিলা উন্নয়ন সমবায় সমিতি লিঃ', 'Women’s Development Cooperative Society Ltd'], ['বহুমুখী সমবায় সমিতি লিঃ', 'Multipurpose Cooperative Society Ltd'],
  ['দুগ্ধ উৎপাদনকারী সমবায় সমিতি লিঃ', 'Milk Producers’ Cooperative Society Ltd'], ['আশ্রয়ণ প্রকল্প বহুমুখী সমবায় সমিতি লিঃ', 'Ashrayan Project Multipurpose Cooperative Society Ltd'],
] as const;
const PLACES = [
  ['শত্রুজিৎপুর', 'Shatrujitpur'], ['হাজীপুর', 'Hajipur'], ['জাগলা', 'Jagla'], ['বেরইল', 'Berail'], ['কছুন্দী', 'Kachundi'], ['আঠারোখাদা', 'Atharokhada'],
  ['বালিদিয়া', 'Balidia'], ['নহাটা', 'Nohata'], ['বিনোদপুর', 'Binodpur'], ['দীঘা', 'Digha'], ['আড়পাড়া', 'Arpara'], ['শতখালী', 'Shatkhali'],
  ['সীমাখালী', 'Simakhali'], ['গঙ্গারামপুর', 'Gangarampur'], ['সব্দালপুর', 'Sabdalpur'], ['নাকোল', 'Nakol'], ['গয়েশপুর', 'Gayeshpur'], ['শ্রীকোল', 'Srikol'],
];
const NAMES = ['মোঃ আব্দুল হামিদ', 'মোছাঃ রোকসানা খাতুন', 'মোঃ জাহাঙ্গীর আলম', 'শাহনাজ পারভীন', 'মোঃ মিজানুর রহমান', 'নাসরিন সুলতানা', 'মোঃ আলমগীর হোসেন',
  'মোছাঃ ফেরদৌসী বেগম', 'মোঃ সাইফুল ইসলাম', 'রাবেয়া খাতুন', 'মোঃ কামরুজ্জামান', 'মোছাঃ শিউলি আক্তার', 'মোঃ নজরুল ইসলাম', 'তাহমিনা বেগম'];

export const MAGURA_DEMO_ACCOUNTS = [
  { username: 'dco-magura', name: 'জেলা সমবায় অফিসার, মাগুরা', role: 'district_officer', officeId: 'MAGURA' },
  { username: 'inspector-magura', name: 'পরিদর্শক (ই-গভর্ন্যান্স ফোকাল পয়েন্ট), মাগুরা', role: 'collector', officeId: 'MAGURA' },
  { username: 'auditor-magura', name: 'অডিট অফিসার, মাগুরা', role: 'auditor', officeId: 'MAGURA' },
  ...UPAZILAS.map((u) => ({ username: `uco-${u.id.toLowerCase()}`, name: `উপজেলা সমবায় অফিসার, ${u.bn}`, role: 'upazila_officer', officeId: u.id })),
] as const;

function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

export async function isNetworkDemoLoaded(sql: Sql): Promise<boolean> {
  return (await sql`SELECT 1 FROM society_leaders l JOIN societies s ON s.id = l.society_id WHERE s.office_id LIKE 'MAGURA-%' LIMIT 1`).length > 0;
}

export async function seedNetworkDemo(sql: Sql, log: (m: string) => void, now = new Date()): Promise<void> {
  if (await isNetworkDemoLoaded(sql)) return;
  const rnd = seeded(20240105);
  const year = now.getUTCFullYear();
  await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES
    ('BD', NULL, 'hq', 'সমবায় অধিদপ্তর', 'Department of Cooperatives'),
    ('KHULNA', 'BD', 'division', 'খুলনা বিভাগ', 'Khulna Division'),
    ('MAGURA', 'KHULNA', 'district', 'মাগুরা', 'Magura')
    ON CONFLICT (id) DO NOTHING`;
  let place = 0;
  let phone = 0;
  let societies = 0;
  for (const u of UPAZILAS) {
    await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES (${u.id}, 'MAGURA', 'upazila', ${u.bn}, ${u.en}) ON CONFLICT (id) DO NOTHING`;
    for (let i = 0; i < u.societies; i++, place++) {
      const [pbn, pen] = PLACES[place % PLACES.length]!;
      const [kbn, ken] = rnd.pick(KINDS);
      const id = `${u.id}-C${i + 1}`;
      // About one society in six has let its AGM and audit lapse: the quarterly list calls it inactive.
      const lapsed = rnd.next() < 0.17;
      const agm = new Date(Date.UTC(year - (lapsed ? 2 : 0), lapsed ? rnd.int(0, 11) : rnd.int(0, Math.max(0, now.getUTCMonth() - 1)), rnd.int(1, 28)));
      const audit = new Date(Date.UTC(year - (lapsed ? 2 : 1), rnd.int(6, 11), rnd.int(1, 28)));
      const electionDue = new Date(Date.UTC(year + (lapsed ? -1 : rnd.int(0, 2)), rnd.int(0, 11), rnd.int(1, 28)));
      await sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name, active, last_agm_on, last_audit_on, election_due_on)
        VALUES (${id}, ${u.id}, ${`${pbn} ${kbn}`}, ${`${pen} ${ken}`}, ${kbn}, ${!lapsed}, ${agm}, ${audit}, ${electionDue}) ON CONFLICT (id) DO NOTHING`;
      societies += 1;
      for (const position of ['president', 'secretary'] as const) {
        const consent = rnd.next() < 0.65;
        const mobile = `0171${String(3_000_000 + phone++).padStart(7, '0')}`;
        await sql`INSERT INTO society_leaders (id, society_id, position, name, mobile, elected_on, preferred_channel, whatsapp_consent_at, consent_recorded_by)
          VALUES (${randomUUID()}, ${id}, ${position}, ${rnd.pick(NAMES)}, ${mobile}, ${new Date(Date.UTC(year - 1, rnd.int(0, 11), rnd.int(1, 28)))},
            ${consent ? 'whatsapp' : 'sms'}, ${consent ? new Date(Date.UTC(year, 0, 15)) : null}, ${consent ? 'demo' : null})`;
      }
    }
    // The pilot's monthly enrolment targets, January to November.
    for (const [m, target] of u.targets.entries()) {
      await sql`INSERT INTO enrolment_targets (office_id, month, target, set_by) VALUES (${u.id}, ${new Date(Date.UTC(year, m, 1))}, ${target}, 'demo')
        ON CONFLICT (office_id, month) DO NOTHING`;
    }
  }
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const a of MAGURA_DEMO_ACCOUNTS) {
    await sql`INSERT INTO users (id, username, name, role, office_id, password_hash, created_by) VALUES (${randomUUID()}, ${a.username}, ${a.name}, ${a.role}, ${a.officeId}, ${hash}, 'demo')
      ON CONFLICT (username) DO NOTHING`;
  }
  await syncGroups(sql);
  // Leaders joined the upazila groups month by month since January, as the pilot enrolled them.
  const months = Math.max(1, now.getUTCMonth() + 1);
  const joined = await sql<{ id: number }[]>`
    SELECT m.id FROM group_members m JOIN comm_groups g ON g.id = m.group_id WHERE m.member_kind = 'leader' AND g.office_id LIKE 'MAGURA-%' ORDER BY m.id`;
  for (const j of joined) {
    const month = rnd.int(0, months - 1);
    const at = new Date(Date.UTC(year, month, rnd.int(1, 27), rnd.int(3, 11)));
    await sql`UPDATE group_members SET joined_at = ${at < now ? at : now} WHERE id = ${j.id}`;
  }
  log(`Magura network: ${UPAZILAS.length} upazilas, ${societies} societies with their president and secretary, enrolment targets; logins ${MAGURA_DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
}
