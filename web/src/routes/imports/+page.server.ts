import { fail, redirect } from '@sveltejs/kit';
import { api, apiGet } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface JobRow { id: string; status: string; filename: string; createdAt: string; rowsTotal: number; rowsApplied: number; errorCount: number; percent: number }

export const load: PageServerLoad = async (event) => ({ jobs: (await apiGet<{ items: JobRow[] }>(event, '/api/imports?limit=20')).items });

export const actions: Actions = {
  // The file goes to the API as it came: all-or-nothing checking and applying happen there, in the background.
  default: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: { field: 'file', message: m.imp_choose_file() } });
    const body = new FormData();
    body.append('file', file, file.name);
    const res = await api(event, '/api/imports', { method: 'POST', body });
    if (res.status === 413) return fail(413, { error: { field: 'file', message: m.imp_too_large() } });
    const json = (await res.json()) as { import?: { id: string }; error?: { message: string; field?: string } };
    if (!res.ok || !json.import) return fail(res.status, { error: { field: json.error?.field ?? null, message: json.error?.message ?? res.statusText } });
    redirect(303, `/imports/${json.import.id}`);
  },
};
