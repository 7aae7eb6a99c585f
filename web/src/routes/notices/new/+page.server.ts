import { fail, redirect } from '@sveltejs/kit';
import { api, apiGet } from '$lib/server/api';
import { categoryLabel } from '$lib/notice-labels';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface Group { id: string; kind: string; nameBn: string; nameEn: string; members: number }
interface Posting { category: string; roles: string[] }

/** Categories the rules let this role post, or null when the rules cannot be read here (the API still decides). */
async function allowedCategories(event: Parameters<PageServerLoad>[0]): Promise<string[] | null> {
  const res = await api(event, '/api/rules');
  if (!res.ok) return null;
  const body = (await res.json()) as { files: { kind: string; content: { posting?: Posting[] } }[] };
  const posting = body.files.find((f) => f.kind === 'notices')?.content.posting;
  const role = event.locals.user?.role ?? '';
  return posting ? posting.filter((p) => p.roles.includes(role)).map((p) => p.category) : null;
}

export const load: PageServerLoad = async (event) => {
  const [groups, categories] = await Promise.all([apiGet<{ items: Group[] }>(event, '/api/groups'), allowedCategories(event)]);
  return { groups: groups.items, categories };
};

const text = (form: FormData, key: string) => String(form.get(key) ?? '').trim();

export const actions: Actions = {
  // Sent to the API as the browser sent it (multipart with the attachments); the API checks rights and files.
  default: async (event) => {
    const form = await event.request.formData();
    const files = form.getAll('files').filter((f): f is File => f instanceof File && f.size > 0);
    const values = { category: text(form, 'category'), title: text(form, 'title'), body: text(form, 'body'), eventOn: text(form, 'eventOn'), deadlineOn: text(form, 'deadlineOn'), groupIds: form.getAll('groupIds').map(String) };
    const refuse = (field: string, message: string) => fail(400, { values, error: { field, message } });
    if (!values.category) return refuse('category', m.net_err_category());
    if (values.groupIds.length === 0) return refuse('groupIds', m.net_choose_group());
    if (!values.title) return refuse('title', m.net_err_title());
    if (!values.body) return refuse('body', m.net_err_body());
    if (values.eventOn && values.deadlineOn && values.deadlineOn > values.eventOn) return refuse('deadlineOn', m.net_err_deadline());
    if (files.length > 5) return refuse('files', m.net_err_files_count());
    const big = files.find((f) => f.size > 5 * 1024 * 1024);
    if (big) return refuse('files', m.net_err_file_size({ name: big.name }));

    const body = new FormData();
    for (const [k, v] of Object.entries(values)) for (const one of [v].flat()) if (one) body.append(k, one);
    for (const f of files) body.append('files', f, f.name);
    const res = await api(event, '/api/notices', { method: 'POST', body });
    const json = (await res.json().catch(() => ({}))) as { notice?: { id: string }; error?: { message: string; field?: string } };
    if (!res.ok || !json.notice) {
      const field = json.error?.field ?? (res.status === 413 ? 'files' : null);
      // The API's refusals in the reader's words where we know them; its own words otherwise.
      const message =
        res.status === 403 && field === 'category' ? m.net_err_category_refused({ category: categoryLabel(values.category) })
        : res.status === 403 && field === 'groupIds' ? m.net_err_group_refused()
        : res.status === 413 ? m.net_err_files_too_large()
        : field === 'files' ? m.net_err_file_type({ detail: json.error?.message ?? '' })
        : (json.error?.message ?? res.statusText);
      return fail(res.status, { values, error: { field, message } });
    }
    redirect(303, `/notices/${json.notice.id}`);
  },
};
