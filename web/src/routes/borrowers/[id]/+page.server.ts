import { apiGet, query } from '$lib/server/api';
import type { Loan } from '$lib/loan-types';
import type { PageServerLoad } from './$types';

interface Borrower { id: string; societyId: string; officeId: string; name: string; fatherOrHusbandName: string; mobile: string | null; nid: string | null; barrackNo: string | null; roomNo: string | null; blacklisted: boolean; createdAt: string }

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  const [{ borrower }, loans] = await Promise.all([
    apiGet<{ borrower: Borrower }>(event, `/api/borrowers/${id}`),
    apiGet<{ items: Loan[] }>(event, `/api/loans${query({ borrowerId: id, limit: 100 })}`),
  ]);
  return { borrower, loans: loans.items };
};
