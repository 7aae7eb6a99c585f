import type { App, AppDeps } from '../app-env';

export interface HealthResponse {
  status: 'ok' | 'degraded';
  db: 'ok' | string;
  temporal: 'ok' | string;
}

async function check(what: () => Promise<unknown>, timeoutMs = 3000): Promise<'ok' | string> {
  try {
    await Promise.race([what(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))]);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

export function registerHealth(app: App, deps: AppDeps): void {
  app.get('/api/health', async (c) => {
    const [db, temporal] = await Promise.all([
      check(() => deps.sql`SELECT 1`),
      check(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.temporal.options.namespace })),
    ]);
    const ok = db === 'ok' && temporal === 'ok';
    const body: HealthResponse = { status: ok ? 'ok' : 'degraded', db, temporal };
    return c.json(body, ok ? 200 : 503);
  });
}
