// Monthly enrolment targets per upazila against the leaders who joined its group that month.
import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface TargetRow { officeId: string; officeNameBn: string; officeNameEn: string; months: { month: number; target: number | null; enrolled: number }[]; target: number; enrolled: number }

export const load: PageServerLoad = async (event) => {
  const yearText = event.url.searchParams.get('year');
  const year = yearText && /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
  const offices = (await myOffices(event)).filter((o) => o.level !== 'upazila' || o.id === event.locals.user?.officeId);
  const asked = event.url.searchParams.get('officeId');
  const officeId = offices.some((o) => o.id === asked) ? (asked ?? undefined) : undefined;
  const body = await apiGet<{ year: number; items: TargetRow[] }>(event, `/api/network/targets${query({ year, officeId })}`);
  return { ...body, offices, officeId: officeId ?? event.locals.user?.officeId ?? null };
};
