// Which loan a payment from outside belongs to: the loan code the payer typed as the reference,
// else the payer's mobile when it belongs to exactly one open loan, else nobody (an officer decides).
import type { Sql, SqlFragment } from '../db/client';

const OPEN = ['disbursing', 'active', 'in_grace', 'overdue', 'defaulted', 'blacklisted'];

/** "01712345678", "8801712345678", "+880 1712-345678" → "01712345678"; anything else → null. */
export function localMsisdn(text: string | null | undefined): string | null {
  const digits = (text ?? '').replace(/[^\d]/g, '');
  const local = digits.startsWith('880') ? `0${digits.slice(3)}` : digits;
  return /^01[3-9]\d{8}$/.test(local) ? local : null;
}

/** Loan codes are 8 characters from an alphabet without 0/O/1/I; payers type them in any case, with spaces. */
export function referenceCode(text: string | null | undefined): string | null {
  const code = (text ?? '').toUpperCase().replace(/[\s-]/g, '');
  return /^[2-9A-HJ-NP-Z]{8}$/.test(code) ? code : null;
}

/**
 * The loan a payment belongs to, as SQL to run inside the statement that stores it (one round trip
 * for the webhook's answer, not two): at most one row (loan_id, matched_by), none when it is nobody's.
 */
export function matchedLoan(sql: Sql, p: { reference?: string | null; payerMsisdn?: string | null }): SqlFragment {
  return sql`
    WITH by_reference AS (SELECT id FROM loans WHERE code = ${referenceCode(p.reference)} AND status = ANY(${OPEN})),
    by_mobile AS (
      SELECT l.id FROM loans l JOIN borrowers b ON b.id = l.borrower_id
      WHERE b.mobile = ${localMsisdn(p.payerMsisdn)} AND l.status = ANY(${OPEN}) LIMIT 2)
    SELECT id AS loan_id, 'reference' AS matched_by FROM by_reference
    UNION ALL
    SELECT id, 'msisdn' FROM by_mobile WHERE NOT EXISTS (SELECT 1 FROM by_reference) AND (SELECT count(*) FROM by_mobile) = 1`;
}
