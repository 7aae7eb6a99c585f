import { redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { safeNext } from '$lib/server/safe-next';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  // Switches the language for this browser and, when logged in, remembers it on the account.
  default: async (event) => {
    const form = await event.request.formData();
    const language = form.get('language') === 'en' ? 'en' : 'bn';
    event.cookies.set('PARAGLIDE_LOCALE', language, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 400 });
    if (event.locals.user) await api(event, '/api/auth/language', { method: 'POST', body: JSON.stringify({ language }) });
    redirect(303, safeNext(String(form.get('next') ?? '/')));
  },
};
