import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface PaymentRow {
  id: string;
  trxId: string;
  provider: string;
  loanId: string | null;
  loanCode: string | null;
  borrowerName: string | null;
  officeId: string | null;
  amountPoisha: number;
  paidAt: string;
  status: string;
  late: boolean | null;
  recordedBy: string;
}

const FILTERS = ['officeId', 'provider', 'status', 'from', 'to'] as const;

export const load: PageServerLoad = async (event) => {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, event.url.searchParams.get(k) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = event.url.searchParams.get('cursor') ?? undefined;
  const [offices, page] = await Promise.all([myOffices(event), apiGet<{ items: PaymentRow[]; nextCursor: string | null }>(event, `/api/payments${query({ ...filters, cursor, limit: 50 })}`)]);
  const next = page.nextCursor ? `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: page.nextCursor })}` : null;
  return { filters, offices, items: page.items, next, total: page.items.reduce((t, p) => t + p.amountPoisha, 0) };
};
