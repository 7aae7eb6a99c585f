import { error, fail, redirect } from '@sveltejs/kit';
import { currentValues, formField, readChanges, type RecordKind } from '$lib/server/correction-values';
import { apiSend } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

function target(url: URL): { kind: RecordKind; id: string } {
  const kind = url.searchParams.get('entity');
  const id = url.searchParams.get('id') ?? '';
  if ((kind !== 'borrower' && kind !== 'loan') || !/^[0-9a-f-]{36}$/i.test(id)) error(400, { message: m.corr_bad_target() });
  return { kind, id };
}

export const load: PageServerLoad = async (event) => {
  const { kind, id } = target(event.url);
  return { kind, id, values: await currentValues(event, kind, id) };
};

export const actions: Actions = {
  default: async (event) => {
    const { kind, id } = target(event.url);
    const before = await currentValues(event, kind, id);
    const form = await event.request.formData();
    const reason = String(form.get('reason') ?? '').trim();
    const read = readChanges(form, kind, before);
    if (!read.ok) return fail(400, { entered: read.entered, reason, error: read.error });
    if (reason.length < 5) return fail(400, { entered: read.entered, reason, error: { field: 'reason', message: m.corr_reason_required() } });
    const res = await apiSend<{ correction: { id: string } }>(event, '/api/corrections', { recordKind: kind, recordId: id, changes: read.changes, reason });
    if (!res.ok) {
      const e = res.failure.data.error;
      return fail(res.failure.status, { entered: read.entered, reason, error: { ...e, field: formField(e.field) } });
    }
    redirect(303, `/corrections/${res.data.correction.id}`);
  },
};
