import { fail } from '@sveltejs/kit';
import { parseTaka } from '../../../../../import/parse-taka';
import { apiGet, apiSend, query } from '$lib/server/api';
import type { Installment, Loan, LoanEvent, LoanView, Payment } from '$lib/loan-types';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface Message {
  id: string;
  template: string;
  body: string;
  status: string;
  segments: number | null;
  costPoisha: number | null;
  createdAt: string;
  sentAt: string | null;
  recipient: string | null;
}

/** Roles that record cash and bank receipts, in their own upazila only (the API decides; this only hides the form). */
const RECORDERS = ['upazila_officer', 'collector'];

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  const [detail, timeline, payments, messages] = await Promise.all([
    apiGet<{ loan: Loan; installments: Installment[] }>(event, `/api/loans/${id}`),
    apiGet<{ events: LoanEvent[]; live: LoanView | null; firstRunAt: string | null; workflowId: string; temporalUiUrl: string | null }>(event, `/api/loans/${id}/timeline`),
    apiGet<{ items: Payment[] }>(event, `/api/payments${query({ loanId: id, limit: 100 })}`),
    apiGet<{ items: Message[] }>(event, `/api/messages${query({ loanId: id, limit: 100 })}`),
  ]);
  const user = event.locals.user!;
  const canRecord = RECORDERS.includes(user.role) && user.officeId === detail.loan.officeId && !['closed', 'settled', 'written_off', 'cancelled'].includes(detail.loan.status);
  return { ...detail, ...timeline, payments: payments.items, messages: messages.items, canRecord, now: Date.now() };
};

export const actions: Actions = {
  pay: async (event) => {
    const form = await event.request.formData();
    const values = { receiptNo: String(form.get('receiptNo') ?? '').trim(), amount: String(form.get('amount') ?? '').trim(), provider: String(form.get('provider') ?? 'cash'), paidOn: String(form.get('paidOn') ?? ''), note: String(form.get('note') ?? '') };
    if (!values.receiptNo) return fail(400, { values, error: { field: 'receiptNo', message: m.loans_receipt_required() } });
    const amount = parseTaka(values.amount);
    if (!amount.ok || amount.poisha <= 0) return fail(400, { values, error: { field: 'amount', message: m.loans_amount_invalid() } });
    const res = await apiSend<{ result: { outcome: string; allocations: { seq: number; amountPoisha: number }[]; excessPoisha: number } }>(event, `/api/loans/${event.params.id}/payments`, {
      receiptNo: values.receiptNo,
      amountPoisha: amount.poisha,
      provider: values.provider === 'bank' ? 'bank' : 'cash',
      ...(values.paidOn ? { paidOn: values.paidOn } : {}),
      ...(values.note ? { note: values.note } : {}),
    });
    if (!res.ok) return fail(res.failure.status, { values, error: res.failure.data.error });
    return { paid: res.data.result };
  },
};
