import { fail, type RequestEvent } from '@sveltejs/kit';
import { api, apiGet, apiSend } from '$lib/server/api';
import { currentValues, formField, readChanges } from '$lib/server/correction-values';
import type { Correction, CorrectionEvent, OfficeName } from '$lib/corrections';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

type Attachment = { id: string; filename: string; contentType: string; sizeBytes: number };

const fetchCorrection = (event: Pick<RequestEvent, 'request' | 'platform'>, id: string) =>
  apiGet<{ correction: Correction; events: CorrectionEvent[]; offices: OfficeName[] }>(event, `/api/corrections/${id}`);

export const load: PageServerLoad = async (event) => {
  const [{ correction, events, offices }, { items: attachments }] = await Promise.all([
    fetchCorrection(event, event.params.id),
    apiGet<{ items: Attachment[] }>(event, `/api/corrections/${event.params.id}/attachments`),
  ]);
  const user = event.locals.user!;
  const mayDecide = correction.status === 'pending' && correction.awaitingRole === user.role && correction.awaitingOfficeId === user.officeId && correction.requestedBy !== user.id;
  const mine = correction.requestedBy === user.id;
  // A returned request is revised against the record as it is now.
  const now = mine && correction.status === 'returned' ? await currentValues(event, correction.recordKind, correction.recordId) : null;
  return { correction, events, offices, attachments, mayDecide, mine, now };
};

export const actions: Actions = {
  decide: async (event) => {
    const form = await event.request.formData();
    const decision = String(form.get('decision') ?? '');
    const comment = String(form.get('comment') ?? '').trim();
    if (!['approve', 'reject', 'return'].includes(decision)) return fail(400, { comment, error: { field: 'decision', message: m.corr_choose_decision() } });
    if (decision !== 'approve' && comment.length < 3) return fail(400, { comment, error: { field: 'comment', message: m.corr_comment_required() } });
    const res = await apiSend(event, `/api/corrections/${event.params.id}/decision`, { decision, comment });
    if (!res.ok) return fail(res.failure.status, { comment, error: res.failure.data.error });
    return { decided: decision };
  },
  revise: async (event) => {
    const { correction } = await fetchCorrection(event, event.params.id);
    const before = await currentValues(event, correction.recordKind, correction.recordId);
    const form = await event.request.formData();
    const comment = String(form.get('comment') ?? '').trim();
    const read = readChanges(form, correction.recordKind, before);
    if (!read.ok) return fail(400, { entered: read.entered, comment, error: read.error });
    const res = await apiSend(event, `/api/corrections/${event.params.id}/revise`, { changes: read.changes, comment });
    if (!res.ok) {
      const e = res.failure.data.error;
      return fail(res.failure.status, { entered: read.entered, comment, error: { ...e, field: formField(e.field) } });
    }
    return { revised: true };
  },
  attach: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: { field: 'file', message: m.corr_choose_file() } });
    const body = new FormData();
    body.append('file', file, file.name);
    const res = await api(event, `/api/corrections/${event.params.id}/attachments`, { method: 'POST', body });
    if (!res.ok) {
      const e = ((await res.json().catch(() => ({}))) as { error?: { message: string } }).error;
      return fail(res.status, { error: { field: 'file', message: e?.message ?? res.statusText } });
    }
    return { attached: true };
  },
  withdraw: async (event) => {
    const res = await apiSend(event, `/api/corrections/${event.params.id}/withdraw`, { comment: '' });
    if (!res.ok) return fail(res.failure.status, { error: res.failure.data.error });
    return { withdrawn: true };
  },
};
