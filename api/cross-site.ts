// Defence in depth against cross-site request forgery on the API, beside SameSite=Lax session
// cookies (which already keep a browser from sending the session on a cross-site POST) and
// SvelteKit's own origin check on form actions. A browser says where a request comes from (Origin,
// Sec-Fetch-Site); a request that a browser marks as coming from another site is refused before it
// can touch anything. Requests no browser made (bKash, Meta, scripts, the web app's own server-side
// calls) carry neither header and pass, as do the webhooks, which prove themselves by signature.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';

const SAFE = /^(GET|HEAD|OPTIONS)$/;
const WEBHOOKS = /^\/api\/(bkash\/(webhook|callback)|whatsapp\/webhook)(\/|$)/;

export function crossSiteGuard(opts: { publicUrl?: string }): MiddlewareHandler<AppEnv> {
  const trusted = new Set<string>();
  if (opts.publicUrl) trusted.add(new URL(opts.publicUrl).origin);
  return async (c, next) => {
    if (SAFE.test(c.req.method) || WEBHOOKS.test(c.req.path)) return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const host = c.req.header('host');
    const ours = (o: string) => {
      if (trusted.has(o) || o === new URL(c.req.url).origin) return true;
      try {
        return host !== undefined && new URL(o).host === host;
      } catch {
        return false;
      }
    };
    const crossSite = (origin !== undefined && !ours(origin)) || ((site === 'cross-site' || site === 'same-site') && !(origin && ours(origin)));
    if (crossSite) {
      return c.json({ error: { code: 'FORBIDDEN', message: 'requests from another site are not accepted; use Asrayon itself', requestId: c.get('requestId') } }, 403);
    }
    return next();
  };
}
