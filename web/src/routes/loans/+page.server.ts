import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { Loan } from '$lib/loan-types';
import type { PageServerLoad } from './$types';

const FILTERS = ['status', 'officeId', 'societyId', 'from', 'to', 'sort'] as const;

export const load: PageServerLoad = async (event) => {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, event.url.searchParams.get(k) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = event.url.searchParams.get('cursor') ?? undefined;
  const [offices, page] = await Promise.all([
    myOffices(event),
    apiGet<{ items: Loan[]; nextCursor: string | null }>(event, `/api/loans${query({ ...filters, cursor, limit: 50 })}`),
  ]);
  const next = page.nextCursor ? `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: page.nextCursor })}` : null;
  return { filters, offices, items: page.items, next, paged: !!cursor };
};
