import { redirect } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import { clearSession } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    await api(event, '/api/auth/logout', { method: 'POST' });
    clearSession(event.cookies);
    redirect(303, '/login');
  },
};
