// The demo portfolio, shaped like the pilot: Jhenaidah district (Khulna division), its 6 upazilas,
// 22 Ashrayan project societies and about 300 borrowers whose loans were disbursed over the past
// year. Their paper-ledger payments are migrated with the loans, so today some loans are fully on
// time, some have an installment in grace, some are overdue, defaulted or blacklisted. The data is
// generated from a fixed seed: every demo looks the same.
import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/client';
import { dhakaInstant, toDhakaDate, addDays } from '../domain/dhaka-time';
import { generateSchedule } from '../domain/schedule';
import type { PaymentInput } from '../domain/types';
import { disburseLoan, type LoanRuntime } from '../loans/disburse-loan';
import type { PolicyStore } from '../policy/policy-store';
import { resolvePolicy } from '../policy/resolve-policy';

const DAY = 86_400_000;

const UPAZILAS = [
  { id: 'JHENAIDAH-SADAR', bn: 'ঝিনাইদহ সদর', en: 'Jhenaidah Sadar', societies: 5, bkash: '01711000001' },
  { id: 'JHENAIDAH-KALIGANJ', bn: 'কালীগঞ্জ', en: 'Kaliganj', societies: 4, bkash: '01711000002' },
  { id: 'JHENAIDAH-KOTCHANDPUR', bn: 'কোটচাঁদপুর', en: 'Kotchandpur', societies: 3, bkash: '01711000003' },
  { id: 'JHENAIDAH-MAHESHPUR', bn: 'মহেশপুর', en: 'Maheshpur', societies: 4, bkash: '01711000004' },
  { id: 'JHENAIDAH-SHAILKUPA', bn: 'শৈলকুপা', en: 'Shailkupa', societies: 3, bkash: '01711000005' },
  { id: 'JHENAIDAH-HARINAKUNDA', bn: 'হরিণাকুণ্ড', en: 'Harinakunda', societies: 3, bkash: '01711000006' },
];

const VILLAGES = [
  ['পোড়াহাটি', 'Porahati'], ['হলিধানী', 'Holidhani'], ['সাধুহাটি', 'Sadhuhati'], ['মধুহাটি', 'Modhuhati'], ['গান্না', 'Ganna'],
  ['রায়গ্রাম', 'Raygram'], ['বারোবাজার', 'Barobazar'], ['কোলা', 'Kola'], ['নিয়ামতপুর', 'Niamatpur'], ['সাফদারপুর', 'Safdarpur'],
  ['এলাঙ্গী', 'Elangi'], ['দোড়া', 'Dora'], ['বাঁশবাড়িয়া', 'Bashbaria'], ['নেপা', 'Nepa'], ['শ্যামকুড়', 'Shyamkur'],
  ['যাদবপুর', 'Jadabpur'], ['মির্জাপুর', 'Mirzapur'], ['ত্রিবেনী', 'Tribeni'], ['দুধসর', 'Dudhsar'], ['ভায়না', 'Vayna'],
  ['জোড়াদাহ', 'Joradah'], ['কাপাশহাটিয়া', 'Kapashhatia'],
];

const GIVEN = ['রহিমা', 'ফাতেমা', 'আমেনা', 'জোহরা', 'সালমা', 'রাশিদা', 'মর্জিনা', 'শাহানা', 'নাসিমা', 'হাসিনা', 'মমতাজ', 'কুলসুম', 'শিরিন', 'রোকেয়া', 'আছিয়া', 'মোছাঃ পারভীন', 'লাইলী', 'সুফিয়া'];
const FAMILY = ['খাতুন', 'বেগম', 'আক্তার', 'বিবি'];
const MEN = ['মোঃ করিম মিয়া', 'আব্দুল মজিদ', 'মোঃ রফিকুল ইসলাম', 'জালাল উদ্দিন', 'মোঃ হাবিবুর রহমান', 'আবুল কাশেম', 'মোঃ শহিদুল ইসলাম', 'নূর মোহাম্মদ', 'মোঃ আনোয়ার হোসেন', 'সিরাজুল ইসলাম'];

/** mulberry32: a tiny seeded generator, so the demo is the same every time. */
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

type Profile = 'on_time' | 'late' | 'stopped' | 'new';

export async function isDemoLoaded(sql: Sql): Promise<boolean> {
  const [row] = await sql`SELECT 1 FROM loans l JOIN offices o ON o.id = l.district_id WHERE o.id = 'JHENAIDAH' LIMIT 1`;
  return !!row;
}

async function seedOffices(sql: Sql, rnd: ReturnType<typeof seeded>) {
  await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en) VALUES
    ('BD', NULL, 'hq', 'সমবায় অধিদপ্তর', 'Department of Cooperatives'),
    ('KHULNA', 'BD', 'division', 'খুলনা বিভাগ', 'Khulna Division'),
    ('JHENAIDAH', 'KHULNA', 'district', 'ঝিনাইদহ', 'Jhenaidah')
    ON CONFLICT (id) DO NOTHING`;
  const societies: { id: string; upazila: string }[] = [];
  let v = 0;
  for (const u of UPAZILAS) {
    await sql`INSERT INTO offices (id, parent_id, level, name_bn, name_en, bkash_msisdn)
      VALUES (${u.id}, 'JHENAIDAH', 'upazila', ${u.bn}, ${u.en}, ${u.bkash}) ON CONFLICT (id) DO NOTHING`;
    for (let i = 0; i < u.societies; i++, v++) {
      const [bn, en] = VILLAGES[v % VILLAGES.length]!;
      const id = `${u.id}-S${i + 1}`;
      const phase = rnd.pick(['আশ্রয়ণ প্রকল্প', 'আশ্রয়ণ-২ প্রকল্প', 'আশ্রয়ণ-২ প্রকল্প (দ্বিতীয় পর্যায়)']);
      await sql`INSERT INTO societies (id, office_id, name_bn, name_en, project_name)
        VALUES (${id}, ${u.id}, ${`${bn} আশ্রয়ণ প্রকল্প বহুমুখী সমবায় সমিতি লিঃ`}, ${`${en} Ashrayan Project Multipurpose Cooperative Society Ltd`},
          ${`${bn} ${phase}`}) ON CONFLICT (id) DO NOTHING`;
      societies.push({ id, upazila: u.id });
    }
  }
  return societies;
}

export async function seedDemo(rt: LoanRuntime, policy: PolicyStore, log: (m: string) => void, opts: { borrowersPerSociety?: number; now?: number } = {}): Promise<void> {
  if (await isDemoLoaded(rt.sql)) {
    log('demo portfolio already loaded; leaving it as it is');
    return;
  }
  const rnd = seeded(20_261_122);
  const now = opts.now ?? Date.now();
  const societies = await seedOffices(rt.sql, rnd);
  const set = await policy.get();
  let count = 0;
  let nid = 1_990_000_000;
  const perSociety = opts.borrowersPerSociety ?? 14;
  for (const society of societies) {
    for (let b = 0; b < perSociety; b++) {
      const borrowerId = randomUUID();
      const mobile = `01${rnd.pick(['3', '7', '8', '9', '6', '5'])}${rnd.int(10_000_000, 99_999_999)}`;
      await rt.sql`INSERT INTO borrowers (id, society_id, name, father_or_husband_name, mobile, nid, barrack_no, room_no)
        VALUES (${borrowerId}, ${society.id}, ${`${rnd.pick(GIVEN)} ${rnd.pick(FAMILY)}`}, ${rnd.pick(MEN)},
          ${rnd.next() < 0.93 ? mobile : null}, ${String(nid++)}, ${`ব্যারাক-${rnd.int(1, 12)}`}, ${String(rnd.int(1, 10))})`;

      const roll = rnd.next();
      const profile: Profile = roll < 0.55 ? 'on_time' : roll < 0.7 ? 'late' : roll < 0.88 ? 'stopped' : 'new';
      const productCode = rnd.next() < 0.8 ? 'ASH-STD' : rnd.next() < 0.5 ? 'ASH-WEEKLY' : 'ASH-LONG';
      const daysAgo = profile === 'new' ? rnd.int(2, 25) : productCode === 'ASH-WEEKLY' ? rnd.int(30, 300) : rnd.int(40, 360);
      const disbursedAt = dhakaInstant(addDays(toDhakaDate(now), -daysAgo), '11:00');
      const principalPoisha = productCode === 'ASH-WEEKLY' ? rnd.int(5, 20) * 100_000 : productCode === 'ASH-LONG' ? rnd.int(20, 80) * 100_000 : rnd.int(10, 50) * 100_000;

      const facts = { loanId: 'demo', districtCode: 'JHENAIDAH', upazilaCode: society.upazila, productCode };
      const schedule = generateSchedule(principalPoisha, disbursedAt, await resolvePolicy(set, facts));
      const stopAfter = profile === 'stopped' ? rnd.int(0, 3) : Infinity;
      const priorPayments: PaymentInput[] = [];
      schedule.installments.forEach((inst, i) => {
        if (i >= stopAfter || inst.dueAt > now + 10 * DAY) return;
        let paidAt: number;
        if (profile === 'late') paidAt = inst.dueAt + rnd.int(1, 12) * DAY;
        else paidAt = inst.dueAt - rnd.int(0, 6) * DAY - rnd.int(1, 5) * 3_600_000;
        // The most recent installment: some have not paid yet (due soon, or now in grace).
        if (paidAt > now - 3_600_000 || (inst.dueAt > now - 15 * DAY && rnd.next() < 0.4)) return;
        paidAt = Math.max(paidAt, disbursedAt + 3_600_000);
        const bkash = rnd.next() < 0.6;
        priorPayments.push({
          loanId: '',
          trxId: bkash ? `DEMO${rnd.int(10_000_000, 99_999_999)}${i}` : `LEDGER-${count}-${inst.seq}`,
          amountPoisha: inst.amountPoisha,
          paidAt,
          provider: bkash ? 'bkash' : 'cash',
          recordedBy: bkash ? 'bkash-statement-import' : 'ledger-import',
          ...(bkash ? { payerMsisdn: mobile } : {}),
        });
      });
      await disburseLoan(rt, { borrowerId, productCode, principalPoisha, disbursedAt, disbursedBy: `uco-${society.upazila.toLowerCase()}`, priorPayments });
      count += 1;
    }
    log(`${count} loans disbursed …`);
  }
  log(`${count} demo loans in ${societies.length} societies of ${UPAZILAS.length} upazilas; their workflows are catching up with the past year`);
  const deadline = Date.now() + 10 * 60_000;
  let last = -1;
  while (Date.now() < deadline) {
    const [{ waiting }] = await rt.sql<[{ waiting: number }]>`SELECT count(*)::int AS waiting FROM loans WHERE status = 'disbursing'`;
    if (waiting === 0) break;
    if (waiting !== last) log(`${waiting} loan workflows still starting …`);
    last = waiting;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const rows = await rt.sql<{ status: string; n: number }[]>`SELECT status, count(*)::int AS n FROM loans GROUP BY status ORDER BY status`;
  log(`portfolio now: ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
}
