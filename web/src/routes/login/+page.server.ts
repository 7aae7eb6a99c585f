import { fail, redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { safeNext } from '$lib/server/safe-next';
import { setSessionFrom } from '$lib/server/session-cookie';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const login = String(form.get('login') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!login) return fail(400, { login, error: { field: 'login', message: m.login_required() } });
    if (!password) return fail(400, { login, error: { field: 'password', message: m.password_required() } });
    const res = await api(event, '/api/auth/login', { method: 'POST', body: JSON.stringify({ login, password }) });
    if (res.status === 429) return fail(429, { login, error: { field: null, message: m.login_locked({ minutes: Math.ceil(Number(res.headers.get('retry-after') ?? 900) / 60) }) } });
    if (!res.ok) return fail(res.status, { login, error: { field: null, message: m.login_wrong() } });
    const { user } = (await res.json()) as { user: { language: 'bn' | 'en' } };
    setSessionFrom(res, event.cookies);
    // The account remembers the language; the cookie is what Paraglide reads.
    event.cookies.set('PARAGLIDE_LOCALE', user.language, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 60 * 60 * 24 * 400 });
    redirect(303, safeNext(event.url.searchParams.get('next')));
  },
};
