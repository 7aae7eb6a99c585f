import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app-env';

const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    db: z.string().describe('"ok" or the error'),
    temporal: z.string().describe('"ok" or the error'),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/api/health',
  summary: 'Whether the database and Temporal answer',
  responses: {
    200: { description: 'everything answers', content: { 'application/json': { schema: Health } } },
    503: { description: 'a part is failing, named in the body', content: { 'application/json': { schema: Health } } },
  },
});

async function check(what: () => Promise<unknown>, timeoutMs = 3000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([what(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(app: App, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const [db, temporal] = await Promise.all([
      check(() => deps.sql`SELECT 1`),
      check(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.temporal.options.namespace })),
    ]);
    const ok = db === 'ok' && temporal === 'ok';
    const body = { status: ok ? ('ok' as const) : ('degraded' as const), db, temporal };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });
}
