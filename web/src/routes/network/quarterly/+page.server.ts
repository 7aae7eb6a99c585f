// The latest quarterly active/inactive list of each upazila, and for district officers and above a
// form to produce a quarter's lists now (normally the schedule does it on the quarter's first day).
import { fail } from '@sveltejs/kit';
import { apiGet, apiSend, query } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export interface QuarterList {
  officeId: string; officeNameBn: string; quarter: string; generatedAt: string; noticeId: string | null;
  societies: { societyId: string; nameBn: string; nameEn: string; active: boolean; reasons: { rule: string; reason: string }[] }[];
}

const RUNNERS = ['hq_admin', 'divisional_officer', 'district_officer'];
const QUARTER = /^\d{4}-Q[1-4]$/;

/** This quarter and the three before it, newest first ("2026-Q4", "2026-Q3", …), in Dhaka. */
function recentQuarters(now = Date.now()): string[] {
  const d = new Date(now + 6 * 3_600_000);
  let y = d.getUTCFullYear();
  let q = Math.floor(d.getUTCMonth() / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(`${y}-Q${q}`);
    q -= 1;
    if (q === 0) [y, q] = [y - 1, 4];
  }
  return out;
}

export const load: PageServerLoad = async (event) => {
  const asked = event.url.searchParams.get('quarter');
  const quarter = asked && QUARTER.test(asked) ? asked : undefined;
  const { items } = await apiGet<{ items: QuarterList[] }>(event, `/api/network/quarterly${query({ quarter })}`);
  return { items, quarter: quarter ?? null, quarters: recentQuarters(), canRun: RUNNERS.includes(event.locals.user?.role ?? '') };
};

export const actions: Actions = {
  run: async (event) => {
    const quarter = String((await event.request.formData()).get('quarter') ?? '');
    if (!QUARTER.test(quarter)) return fail(400, { error: { field: 'quarter', message: m.net_err_quarter() } });
    const res = await apiSend<{ workflowId: string }>(event, '/api/network/quarterly', { quarter });
    if (!res.ok) {
      const status = res.failure.status;
      return fail(status, { error: { field: null, message: status === 403 ? m.net_err_run_role() : res.failure.data.error.message } });
    }
    return { started: quarter };
  },
};
