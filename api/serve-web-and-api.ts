// One port for everything: /api/* goes to the Hono app, every other path to the SvelteKit app built
// in web/build (adapter-node's handler). The web app's server-side loads call the API in this same
// process through a function placed where web/src/lib/server/api.ts looks for it — no loopback HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import type { App } from './app-env';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const IN_PROCESS = Symbol.for('asrayon.api.fetch');

export const WEB_BUILD = path.resolve(import.meta.dirname, '../web/build');

/** SvelteKit's request handler, or null when the web app has not been built. */
export async function loadWebHandler(buildDir = WEB_BUILD): Promise<NodeHandler | null> {
  const file = path.join(buildDir, 'handler.js');
  if (!existsSync(file)) return null;
  // adapter-node reads these once, at import: the origin comes from the Host header and the
  // protocol header we set below (never from the client); uploads up to the import limit.
  process.env.PROTOCOL_HEADER ??= 'x-asrayon-proto';
  process.env.HOST_HEADER ??= 'host';
  process.env.BODY_SIZE_LIMIT ??= String(25 * 1024 * 1024);
  const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return mod.handler;
}

export function serveWebAndApi(app: App, web: NodeHandler | null, opts: { secure?: boolean } = {}): Server {
  (globalThis as Record<symbol, unknown>)[IN_PROCESS] = (request: Request, bindings: { incoming?: unknown }) => app.fetch(request, bindings);
  const api = getRequestListener(app.fetch);
  return createServer((req, res) => {
    const url = req.url ?? '/';
    if (!web || url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) {
      void api(req, res);
      return;
    }
    req.headers['x-asrayon-proto'] = opts.secure ? 'https' : 'http';
    web(req, res, () => void api(req, res));
  });
}
