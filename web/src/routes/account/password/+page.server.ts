import { fail } from '@sveltejs/kit';
import { apiSend } from '$lib/server/api';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ required: url.searchParams.has('required') });

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const currentPassword = String(form.get('currentPassword') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    const repeat = String(form.get('repeat') ?? '');
    if (newPassword !== repeat) return fail(400, { error: { field: 'repeat', message: m.password_mismatch() } });
    const res = await apiSend(event, '/api/auth/password', { currentPassword, newPassword });
    if (!res.ok) return res.failure;
    return { changed: true };
  },
};
