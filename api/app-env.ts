import type { Client } from '@temporalio/client';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Sql } from '../db/client';
import type { Actor } from './access/actor';
import type { BkashAccounts } from './bkash-setup';
import type { PolicyReader } from './policy-reader';

export interface AppDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  links?: { temporalUi?: string | null };
  /** Cookies get `Secure` when the app is served over https. */
  secureCookies?: boolean;
  /** bKash merchant accounts to take payments into; none mounts no bKash routes. */
  bkash?: BkashAccounts;
  /** The policy in force; by default the rules folder named by RULES_DIR (api/policy-reader.ts). */
  policy?: PolicyReader;
  /** The WhatsApp webhook's secrets; none mounts no webhook. */
  whatsappWebhook?: { verifyToken: string; appSecret: string } | null;
  /** The web app's public address, for links in messages and share texts. */
  publicUrl?: string;
}

export type AppEnv = { Variables: { requestId: string; actor: Actor | null; sessionToken: string | null } };
export type App = OpenAPIHono<AppEnv>;
