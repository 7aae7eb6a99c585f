// The dashboard: this month's figures for the user's office (or one below it, ?officeId=), in one
// call to the API, plus the tiles that come from other lists. A list the role may not read (the
// unmatched payments, for a society representative) is left out rather than failing the page.
import type { DashboardBody } from '$api/routes/dashboard';
import { api, apiGet, query } from '$lib/server/api';
import type { RequestEvent } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The number of items a list endpoint returns, or null when the API refuses it for this user. */
async function countOf(event: RequestEvent, path: string): Promise<number | null> {
  const res = await api(event, path);
  if (!res.ok) return null;
  return ((await res.json()) as { items: unknown[] }).items.length;
}

export const load: PageServerLoad = async (event) => {
  const officeId = event.url.searchParams.get('officeId') || undefined;
  const isRep = event.locals.user?.role === 'society_rep';
  const [dashboard, corrections, unmatched] = await Promise.all([
    apiGet<DashboardBody>(event, `/api/reports/dashboard${query({ officeId })}`),
    countOf(event, '/api/corrections/inbox'),
    isRep ? Promise.resolve(null) : countOf(event, '/api/payments/unmatched'),
  ]);
  return { dashboard, corrections, unmatched, officeId: officeId ?? '' };
};
