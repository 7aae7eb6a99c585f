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
  const asOf = endOfDhakaDay(day);
  const [offices, list] = await Promise.all([
    myOffices(event),
    apiGet<{ asOf: string; items: Defaulter[]; totalUnpaidDuePoisha: number }>(event, `/api/defaulters${query({ officeId, asOf })}`),
  ]);
  return { ...list, offices, officeId: officeId ?? '', day: day && asOf ? day : '', today: todayInDhaka(), exportAsOf: asOf ?? undefined, badDate: !!day && !asOf };
};
