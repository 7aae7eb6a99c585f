// Which loan a payment from outside belongs to: the loan code the payer typed as the reference,
// else the payer's mobile when it belongs to exactly one open loan, else nobody (an officer decides).
import type { Sql } from '../db/client';

export interface Match {
  loanId: string | null;
  matchedBy: 'reference' | 'msisdn' | null;
}

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

export async function matchPayment(sql: Sql, p: { reference?: string | null; payerMsisdn?: string | null }): Promise<Match> {
  const code = referenceCode(p.reference);
  if (code) {
    const [loan] = await sql<{ id: string }[]>`SELECT id FROM loans WHERE code = ${code} AND status = ANY(${OPEN})`;
    if (loan) return { loanId: loan.id, matchedBy: 'reference' };
  }
  const msisdn = localMsisdn(p.payerMsisdn);
  if (msisdn) {
    const loans = await sql<{ id: string }[]>`
      SELECT l.id FROM loans l JOIN borrowers b ON b.id = l.borrower_id
      WHERE b.mobile = ${msisdn} AND l.status = ANY(${OPEN}) LIMIT 2`;
    if (loans.length === 1) return { loanId: loans[0]!.id, matchedBy: 'msisdn' };
  }
  return { loanId: null, matchedBy: null };
}
