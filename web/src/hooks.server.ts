// Every request: the language (Paraglide), then who is asking (the API's session). Pages other
// than login need a user; a user who must change their password goes nowhere else first. This is
// convenience, not protection: each load and action calls the API, which checks scope itself.
import { redirect, type Handle, type HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { api } from '$lib/server/api';

const PUBLIC_ROUTES = new Set(['/login', '/language']);

const language: Handle = ({ event, resolve }) =>
  paraglideMiddleware(event.request, ({ request, locale }) => {
    event.request = request;
    return resolve(event, { transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale) });
  });

const session: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  if (event.cookies.get('asrayon_session')) {
    const res = await api(event, '/api/auth/me');
    if (res.ok) event.locals.user = ((await res.json()) as { user: App.Locals['user'] }).user;
  }
  const route = event.route.id ?? '';
  if (!event.locals.user && !PUBLIC_ROUTES.has(route)) {
    const next = event.url.pathname + event.url.search;
    redirect(303, `/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`);
  }
  if (event.locals.user?.mustChangePassword && route !== '/account/password' && route !== '/logout' && !PUBLIC_ROUTES.has(route)) {
    redirect(303, '/account/password?required=1');
  }
  return resolve(event);
};

export const handle = sequence(language, session);

export const handleError: HandleServerError = ({ error, event, status }) => {
  const requestId = event.request.headers.get('x-request-id') ?? crypto.randomUUID();
  if (status !== 404) console.error(`[web] ${event.request.method} ${event.url.pathname} failed (${requestId}):`, error);
  return { message: 'Something went wrong on our side.', code: `INTERNAL (${requestId})` };
};
