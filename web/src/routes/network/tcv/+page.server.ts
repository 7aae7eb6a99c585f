// The TCV evaluation (time, cost, visits) for an office and period, against the paper baseline.
import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface Tcv {
  from: string; to: string;
  notices: { notices: number; messages: number; reached: number; societiesReached: number; medianHoursToReach: number | null; costPoisha: number; costPerMessagePoisha: number | null; paperCostPoisha: number; tripsAvoided: number; paperHoursToReach: number };
  loans: { bkashPayments: number; societiesPayingByBkash: number; collectionTripsAvoided: number; collectionCostSavedPoisha: number };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const load: PageServerLoad = async (event) => {
  const p = event.url.searchParams;
  const offices = await myOffices(event);
  const officeId = offices.some((o) => o.id === p.get('officeId')) ? (p.get('officeId') ?? undefined) : undefined;
  const from = DATE.test(p.get('from') ?? '') ? (p.get('from') ?? undefined) : undefined;
  const to = DATE.test(p.get('to') ?? '') ? (p.get('to') ?? undefined) : undefined;
  // A period written backwards is swapped rather than refused: the reader meant the days between.
  const [a, b] = from && to && from > to ? [to, from] : [from, to];
  const tcv = await apiGet<Tcv>(event, `/api/network/tcv${query({ officeId, from: a, to: b })}`);
  return { tcv, offices, officeId: officeId ?? event.locals.user?.officeId ?? null, pdf: `/api/network/evaluation.pdf${query({ officeId, from: tcv.from, to: tcv.to })}` };
};
