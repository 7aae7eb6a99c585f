import { fail } from '@sveltejs/kit';
import { api, apiGet, apiSend, query } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface Unmatched { id: string; trxId: string; provider: string; officeId: string | null; amountPoisha: number; paidAt: string; payerMsisdn: string | null; reference: string | null; deliveryError: string | null }

export const load: PageServerLoad = async (event) => ({ items: (await apiGet<{ items: Unmatched[] }>(event, '/api/payments/unmatched')).items });

export const actions: Actions = {
  // The officer names the loan by its short code (printed in every SMS); the API checks it is in the same upazila.
  assign: async (event) => {
    const form = await event.request.formData();
    const paymentId = String(form.get('paymentId') ?? '');
    const code = String(form.get('loanCode') ?? '').trim().toUpperCase();
    if (!code) return fail(400, { paymentId, code, error: { field: 'loanCode', message: m.pay_code_required() } });
    const res = await api(event, `/api/loans${query({ code, limit: 1 })}`);
    const loan = res.ok ? (((await res.json()) as { items: { id: string; code: string }[] }).items[0] ?? null) : null;
    if (!loan) return fail(400, { paymentId, code, error: { field: 'loanCode', message: m.pay_code_unknown({ code }) } });
    const sent = await apiSend<{ delivered: boolean; reason?: string }>(event, `/api/payments/${paymentId}/assign`, { loanId: loan.id });
    if (!sent.ok) return fail(sent.failure.status, { paymentId, code, error: sent.failure.data.error });
    return { assigned: code, delivered: sent.data.delivered };
  },
};
