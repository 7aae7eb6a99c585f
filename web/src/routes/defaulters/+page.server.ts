import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import { endOfDhakaDay, todayInDhaka } from '$lib/dhaka-day';
import type { PageServerLoad } from './$types';

export interface Defaulter {
  loanId: string;
  code: string;
  borrowerName: string;
  officeId: string;
  officeNameBn: string;
  officeNameEn: string;
  societyId: string;
  societyNameBn: string;
  societyNameEn: string;
  status: string;
  unpaidDuePoisha: number;
  outstandingPoisha: number;
}

export const load: PageServerLoad = async (event) => {
  const officeId = event.url.searchParams.get('officeId') || undefined;
  const day = event.url.searchParams.get('asOf') || null;
  const cursor = event.url.searchParams.get('cursor') || undefined;
  const asOf = endOfDhakaDay(day);
  const [offices, list] = await Promise.all([
    myOffices(event),
    apiGet<{ asOf: string; items: Defaulter[]; nextCursor: string | null; total: number; totalUnpaidDuePoisha: number }>(
      event, `/api/defaulters${query({ officeId, asOf, cursor, limit: PAGE })}`),
  ]);
  // The next page keeps the filters; the totals are the whole list's on every page.
  const keep = Object.fromEntries(Object.entries({ officeId, asOf: day ?? undefined }).filter(([, v]) => v)) as Record<string, string>;
  const next = list.nextCursor ? `?${new URLSearchParams({ ...keep, cursor: list.nextCursor })}` : null;
  return { ...list, next, paged: !!cursor, offices, officeId: officeId ?? '', day: day && asOf ? day : '', today: todayInDhaka(), exportAsOf: asOf ?? undefined, badDate: !!day && !asOf };
};

const PAGE = 100;
