// One office's collection report for a period, with the way down to it from the user's own office.
import type { RequestEvent } from '@sveltejs/kit';
import type { CollectionReportBody } from '$api/routes/reports';
import { apiGet, query } from '$lib/server/api';
import { myOffices, type OfficeOption } from '$lib/server/offices';
import { periodParams, readPeriod } from './period';

export async function loadOffice(event: RequestEvent, officeId: string) {
  const period = readPeriod(event.url.searchParams);
  const [report, offices] = await Promise.all([
    apiGet<CollectionReportBody>(event, `/api/reports/collection${query({ officeId, from: period.from, to: period.to })}`),
    myOffices(event),
  ]);
  const byId = new Map(offices.map((o) => [o.id, o]));
  const trail: OfficeOption[] = [];
  for (let o = byId.get(report.office.id); o; o = o.parentId ? byId.get(o.parentId) : undefined) trail.unshift(o);
  return { report, period, params: periodParams(period), trail: trail.slice(0, -1) };
}
