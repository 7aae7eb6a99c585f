// One address in front of several API/web processes, for the production topology on one machine (in
// production this is nginx, HAProxy or a cloud load balancer). Requests go to the backends in turn;
// a backend that refuses the connection is skipped and the request tried on the next, so killing
// one API process loses no request. Bodies are buffered (up to 25 MB, the largest upload) so a
// request can be replayed; answers, including event streams, are piped through.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY = 25 * 1024 * 1024;

export interface Proxy {
  url: string;
  port: number;
  /** Requests each backend answered. */
  served: Map<string, number>;
  stop(): Promise<void>;
}

export async function startRoundRobinProxy(backends: string[], opts: { port?: number; host?: string } = {}): Promise<Proxy> {
  const targets = backends.map((b) => new URL(b));
  const served = new Map(backends.map((b) => [b, 0]));
  let turn = 0;

  const forward = (target: URL, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) =>
    new Promise<boolean>((resolve) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' } },
        (answer) => {
          served.set(target.origin, (served.get(target.origin) ?? 0) + 1);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          resolve(true);
        },
      );
      // Refused or reset before any answer: this backend is down; the caller tries the next one.
      upstream.once('error', () => resolve(false));
      upstream.end(body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":{"code":"TOO_LARGE","message":"body larger than 25 MB"}}');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', async () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks);
      const first = turn++ % targets.length;
      for (let i = 0; i < targets.length; i++) {
        if (await forward(targets[(first + i) % targets.length]!, req, body, res)) return;
      }
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAVAILABLE","message":"no API process answered"}}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
