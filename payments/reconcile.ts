// Reconciliation: what Asrayon recorded, against what the bKash merchant statement and the bank
// statement say, per account and per Dhaka day. This is the "deposit confirmation" an upazila or
// district officer sees: every taka accounted for, or listed as missing on one side.
import { createHash, randomUUID } from 'node:crypto';
import { parseStatementCsv } from '../bkash/statement';
import type { Sql } from '../db/client';
import { dhakaInstant } from '../domain/dhaka-time';
import { parseBankStatementCsv } from './bank-statement';

export interface StatementUpload {
  officeId: string;
  kind: 'bkash' | 'bank';
  filename: string;
  content: Buffer;
  uploadedBy: string;
}

export interface StatementImportResult {
  importId: string;
  alreadyUploaded: boolean;
  lines: number;
  skipped: { line: number; reason: string }[];
}

export async function importStatement(sql: Sql, u: StatementUpload): Promise<StatementImportResult> {
  const sha = createHash('sha256').update(u.content).digest('hex');
  const [existing] = await sql<{ id: string; line_count: number; skipped: { line: number; reason: string }[] }[]>`
    SELECT id, line_count, skipped FROM statement_imports WHERE office_id = ${u.officeId} AND kind = ${u.kind} AND file_sha256 = ${sha}`;
  if (existing) return { importId: existing.id, alreadyUploaded: true, lines: existing.line_count, skipped: existing.skipped };

  const text = u.content.toString('utf8');
  const rows =
    u.kind === 'bkash'
      ? (() => {
          const parsed = parseStatementCsv(text);
          return { lines: parsed.payments.map((p, i) => ({ line: i, trx_id: p.trxId, at: new Date(p.paidAt), amount_poisha: p.amountPoisha, payer: p.payerMsisdn, reference: p.reference, description: null as string | null })), skipped: parsed.skipped };
        })()
      : (() => {
          const parsed = parseBankStatementCsv(text);
          return { lines: parsed.credits.map((c) => ({ line: c.line, trx_id: c.reference, at: new Date(c.at), amount_poisha: c.amountPoisha, payer: null as string | null, reference: c.reference, description: c.description })), skipped: parsed.skipped };
        })();

  const importId = randomUUID();
  await sql.begin(async (tx) => {
    await tx`INSERT INTO statement_imports (id, office_id, kind, filename, file_sha256, uploaded_by, line_count, skipped)
      VALUES (${importId}, ${u.officeId}, ${u.kind}, ${u.filename}, ${sha}, ${u.uploadedBy}, ${rows.lines.length}, ${tx.json(rows.skipped)})`;
    for (const [i, l] of rows.lines.entries()) {
      await tx`INSERT INTO statement_lines (import_id, line, office_id, kind, trx_id, at, amount_poisha, payer, reference, description)
        VALUES (${importId}, ${u.kind === 'bkash' ? i + 2 : l.line}, ${u.officeId}, ${u.kind}, ${l.trx_id}, ${l.at}, ${l.amount_poisha}, ${l.payer}, ${l.reference}, ${l.description})
        ON CONFLICT DO NOTHING`;
    }
  });
  return { importId, alreadyUploaded: false, lines: rows.lines.length, skipped: rows.skipped };
}

export interface DayFigures {
  officeId: string;
  day: string;
  recordedPoisha: number;
  bkashStatementPoisha: number;
  bankCreditsPoisha: number;
  /** bKash statement minus recorded: money bKash took that Asrayon has not recorded (if positive). */
  unrecordedPoisha: number;
}

export interface Reconciliation {
  from: string;
  to: string;
  days: DayFigures[];
  /** In the bKash statement, not in Asrayon's payments. */
  missingFromRecords: { officeId: string; trxId: string; at: string; amountPoisha: number; payer: string | null; reference: string | null }[];
  /** Recorded by Asrayon as bKash money, on a day a statement covers, but not in it. */
  missingFromStatement: { officeId: string; trxId: string; paidAt: string; amountPoisha: number }[];
  /** The same transaction with different amounts on the two sides. */
  amountMismatches: { officeId: string; trxId: string; recordedPoisha: number; statementPoisha: number }[];
}

/** Reconciliation of the given upazila offices' accounts over Dhaka days `from`..`to` inclusive. */
export async function reconcile(sql: Sql, officeIds: string[], from: string, to: string): Promise<Reconciliation> {
  const start = new Date(dhakaInstant(from));
  const end = new Date(dhakaInstant(to) + 86_400_000);
  const days = await sql<DayFigures[]>`
    WITH recorded AS (
      SELECT office_id, (paid_at AT TIME ZONE 'Asia/Dhaka')::date AS day, sum(amount_poisha) AS total
      FROM payments WHERE provider = 'bkash' AND status <> 'refunded' AND office_id = ANY(${officeIds}) AND paid_at >= ${start} AND paid_at < ${end}
      GROUP BY 1, 2),
    stmt AS (
      SELECT office_id, (at AT TIME ZONE 'Asia/Dhaka')::date AS day,
        sum(amount_poisha) FILTER (WHERE kind = 'bkash') AS bkash, sum(amount_poisha) FILTER (WHERE kind = 'bank') AS bank
      FROM statement_lines WHERE office_id = ANY(${officeIds}) AND at >= ${start} AND at < ${end}
      GROUP BY 1, 2)
    SELECT coalesce(r.office_id, s.office_id) AS "officeId", coalesce(r.day, s.day)::text AS day,
      coalesce(r.total, 0)::bigint AS "recordedPoisha", coalesce(s.bkash, 0)::bigint AS "bkashStatementPoisha",
      coalesce(s.bank, 0)::bigint AS "bankCreditsPoisha", (coalesce(s.bkash, 0) - coalesce(r.total, 0))::bigint AS "unrecordedPoisha"
    FROM recorded r FULL JOIN stmt s ON s.office_id = r.office_id AND s.day = r.day
    ORDER BY 2, 1`;
  const missingFromRecords = await sql<Reconciliation['missingFromRecords']>`
    SELECT l.office_id AS "officeId", l.trx_id AS "trxId", to_json(l.at)#>>'{}' AS at, l.amount_poisha AS "amountPoisha", l.payer, l.reference
    FROM statement_lines l
    WHERE l.kind = 'bkash' AND l.office_id = ANY(${officeIds}) AND l.at >= ${start} AND l.at < ${end}
      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.trx_id = l.trx_id)
    ORDER BY l.at`;
  const missingFromStatement = await sql<Reconciliation['missingFromStatement']>`
    SELECT p.office_id AS "officeId", p.trx_id AS "trxId", to_json(p.paid_at)#>>'{}' AS "paidAt", p.amount_poisha AS "amountPoisha"
    FROM payments p
    WHERE p.provider = 'bkash' AND p.status <> 'refunded' AND p.office_id = ANY(${officeIds}) AND p.paid_at >= ${start} AND p.paid_at < ${end}
      AND EXISTS (SELECT 1 FROM statement_lines c WHERE c.kind = 'bkash' AND c.office_id = p.office_id
                  AND (c.at AT TIME ZONE 'Asia/Dhaka')::date = (p.paid_at AT TIME ZONE 'Asia/Dhaka')::date)
      AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.kind = 'bkash' AND l.trx_id = p.trx_id)
    ORDER BY p.paid_at`;
  const amountMismatches = await sql<Reconciliation['amountMismatches']>`
    SELECT l.office_id AS "officeId", l.trx_id AS "trxId", p.amount_poisha AS "recordedPoisha", l.amount_poisha AS "statementPoisha"
    FROM statement_lines l JOIN payments p ON p.trx_id = l.trx_id
    WHERE l.kind = 'bkash' AND l.office_id = ANY(${officeIds}) AND l.at >= ${start} AND l.at < ${end} AND p.amount_poisha <> l.amount_poisha`;
  return { from, to, days, missingFromRecords, missingFromStatement, amountMismatches };
}
