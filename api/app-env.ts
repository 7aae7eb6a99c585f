import type { Client } from '@temporalio/client';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Sql } from '../db/client';
import type { Actor } from './access/actor';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  links?: { temporalUi?: string | null };
  /** Cookies get `Secure` when the app is served over https. */
  secureCookies?: boolean;
}

export type AppEnv = { Variables: { requestId: string; actor: Actor | null; sessionToken: string | null } };
export type App = OpenAPIHono<AppEnv>;
