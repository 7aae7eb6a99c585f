// An upazila's societies at a glance: active or not by the rules today (with the reasons), leaders,
// notices read. Officers choose among the upazilas they oversee; a society representative sees their
// own upazila's — each society sees its own and the others' picture.
import { apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface GlanceItem {
  societyId: string; nameBn: string; nameEn: string; active: boolean; reasons: { rule: string; reason: string }[];
  facts: { monthsSinceAgm: number; monthsSinceAudit: number; electionOverdueDays: number; leaders: number }; noticesSent: number; noticesRead: number;
}

export const load: PageServerLoad = async (event) => {
  const rep = event.locals.user?.role === 'society_rep';
  const upazilas = rep ? [] : (await myOffices(event)).filter((o) => o.level === 'upazila');
  const asked = event.url.searchParams.get('officeId');
  const officeId = rep ? undefined : (upazilas.find((o) => o.id === asked) ?? upazilas.find((o) => o.id === event.locals.user?.officeId) ?? upazilas[0])?.id;
  if (!rep && !officeId) return { upazilas, officeId: null, items: [] as GlanceItem[] };
  const body = await apiGet<{ officeId: string; items: GlanceItem[] }>(event, `/api/network/societies${query({ officeId })}`);
  return { upazilas, officeId: body.officeId, items: body.items };
};
