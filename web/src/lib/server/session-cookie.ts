// The API sets the session cookie on its own response; when the web app logs in on the user's
// behalf that response stays on the server, so its cookie is copied onto the browser's answer.
import type { Cookies } from '@sveltejs/kit';

const SESSION = 'asrayon_session';

export function setSessionFrom(res: Response, cookies: Cookies): void {
  for (const header of res.headers.getSetCookie()) {
    const [pair, ...attrs] = header.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    if (pair!.slice(0, eq) !== SESSION) continue;
    const maxAge = attrs.find((a) => a.toLowerCase().startsWith('max-age='));
    cookies.set(SESSION, decodeURIComponent(pair!.slice(eq + 1)), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: attrs.some((a) => a.toLowerCase() === 'secure'),
      maxAge: maxAge ? Number(maxAge.split('=')[1]) : undefined,
    });
  }
}

export function clearSession(cookies: Cookies): void {
  cookies.delete(SESSION, { path: '/' });
}
