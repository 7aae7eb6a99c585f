import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface Listing {
  borrowerId: string;
  borrowerName: string;
  loanId: string;
  loanCode: string;
  officeId: string;
  officeNameBn: string;
  officeNameEn: string;
  listedAt: string;
  ruleName: string;
  ruleVersion: string;
  settledAt: string | null;
}

export const load: PageServerLoad = async (event) => {
  const officeId = event.url.searchParams.get('officeId') || undefined;
  const includeSettled = event.url.searchParams.get('includeSettled') === 'true';
  const [offices, list] = await Promise.all([
    myOffices(event),
    apiGet<{ items: Listing[] }>(event, `/api/blacklist${query({ officeId, includeSettled: includeSettled ? 'true' : undefined })}`),
  ]);
  return { offices, officeId: officeId ?? '', includeSettled, items: list.items };
};
