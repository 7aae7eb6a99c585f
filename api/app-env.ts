import type { Client } from '@temporalio/client';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Sql } from '../db/client';
import type { Actor } from './access/actor';
import type { BkashAccounts } from './bkash-setup';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  links?: { temporalUi?: string | null };
  /** Cookies get `Secure` when the app is served over https. */
  secureCookies?: boolean;
  /** bKash merchant accounts to take payments into; none mounts no bKash routes. */
  bkash?: BkashAccounts;
}

export type AppEnv = { Variables: { requestId: string; actor: Actor | null; sessionToken: string | null } };
export type App = OpenAPIHono<AppEnv>;
