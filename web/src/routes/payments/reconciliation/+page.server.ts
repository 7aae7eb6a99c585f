import { fail } from '@sveltejs/kit';
import { addDays, toDhakaDate } from '$domain/dhaka-time';
import { api, apiGet, query } from '$lib/server/api';
import { myOffices } from '$lib/server/offices';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface Reconciliation {
  from: string;
  to: string;
  days: { officeId: string; day: string; recordedPoisha: number; bkashStatementPoisha: number; bankCreditsPoisha: number; unrecordedPoisha: number }[];
  missingFromRecords: { officeId: string; trxId: string; at: string; amountPoisha: number; payer: string | null; reference: string | null }[];
  missingFromStatement: { officeId: string; trxId: string; paidAt: string; amountPoisha: number }[];
  amountMismatches: { officeId: string; trxId: string; recordedPoisha: number; statementPoisha: number }[];
}

export const load: PageServerLoad = async (event) => {
  const today = toDhakaDate(Date.now());
  const from = event.url.searchParams.get('from') || addDays(today, -13);
  const to = event.url.searchParams.get('to') || today;
  const officeId = event.url.searchParams.get('officeId') || undefined;
  const [offices, rec] = await Promise.all([myOffices(event), apiGet<Reconciliation>(event, `/api/reconciliation${query({ officeId, from, to })}`)]);
  return { offices: offices.filter((o) => o.level === 'upazila'), officeId: officeId ?? '', rec };
};

export const actions: Actions = {
  upload: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: { field: 'file', message: m.imp_choose_file() } });
    const body = new FormData();
    body.append('file', file, file.name);
    body.append('kind', String(form.get('kind') ?? 'bkash'));
    body.append('officeId', String(form.get('officeId') ?? ''));
    const res = await api(event, '/api/reconciliation/statements', { method: 'POST', body });
    const json = (await res.json()) as { lines?: number; alreadyUploaded?: boolean; error?: { message: string; field?: string } };
    if (!res.ok) return fail(res.status, { error: { field: json.error?.field ?? null, message: json.error?.message ?? res.statusText } });
    return { uploaded: json.lines ?? 0, again: !!json.alreadyUploaded };
  },
};
