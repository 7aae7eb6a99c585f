import { fail } from '@sveltejs/kit';
import { api, apiGet } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { NoticeItem } from '../+page.server';
import type { Actions, PageServerLoad } from './$types';

export interface Delivery { name: string; mobile: string | null; societyId: string | null; societyNameBn: string | null; groupId: string; channel: string | null; state: string; whatsapp: string | null; sms: string | null; reachedAt: string | null; readAt: string | null; costPoisha: number }
type Detail = { notice: NoticeItem & { body: string; attachments: { id: string; filename: string; contentType: string; sizeBytes: number }[] }; deliveries: Delivery[] | null };
interface Group { id: string; nameBn: string; nameEn: string }

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  let detail = await apiGet<Detail>(event, `/api/notices/${encodeURIComponent(id)}`);
  // Opening a notice sent to me is reading it: the read receipt goes back to the office.
  const justRead = detail.notice.readByMe === false;
  if (justRead) {
    await api(event, `/api/notices/${id}/read`, { method: 'POST' });
    detail = await apiGet<Detail>(event, `/api/notices/${id}`);
  }
  const [share, groups] = detail.deliveries
    ? await Promise.all([apiGet<{ text: string; link: string }>(event, `/api/notices/${id}/share`), apiGet<{ items: Group[] }>(event, '/api/groups')])
    : [null, null];
  const groupNames = Object.fromEntries((groups?.items ?? []).map((g) => [g.id, g]));
  return { ...detail, share, groupNames, justRead };
};

export const actions: Actions = {
  manualPost: async (event) => {
    const form = await event.request.formData();
    const groupId = String(form.get('groupId') ?? '');
    if (!groupId) return fail(400, { error: { field: 'groupId', message: m.net_choose_group() } });
    const note = String(form.get('note') ?? '').trim() || undefined;
    // 201 with no body: read the answer here rather than through apiSend, which expects JSON.
    const res = await api(event, `/api/notices/${encodeURIComponent(event.params.id)}/manual-posts`, { method: 'POST', body: JSON.stringify({ groupId, note }) });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message: string; field?: string } };
      return fail(res.status, { error: { field: body.error?.field ?? null, message: res.status === 400 && body.error?.field === 'groupId' ? m.net_err_manual_group() : (body.error?.message ?? res.statusText) } });
    }
    return { recorded: true };
  },
};
