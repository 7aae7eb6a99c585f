// WhatsApp settings from the environment, spread into config/env.ts's schema. `off` (the default
// outside the demo) sends notices by app and SMS only; `cloud` is Meta's Cloud API; `simulator` is
// the local one (whatsapp/simulator.ts) the demo starts. Switching to the real service is only these
// variables (whatsapp/README.md says what to create at Meta first).
import { z } from 'zod';
import { CloudWhatsApp } from './cloud-client';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

export const whatsappEnvShape = {
  WHATSAPP_MODE: z.enum(['off', 'cloud', 'simulator']).default('off'),
  WHATSAPP_BASE_URL: z.string().url('WHATSAPP_BASE_URL must be an http(s) URL').default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'WHATSAPP_API_VERSION looks like v21.0').default('v21.0'),
  WHATSAPP_PHONE_NUMBER_ID: optionalText.pipe(z.string().regex(/^\d+$/, 'WHATSAPP_PHONE_NUMBER_ID is the numeric id Meta shows, not the phone number').optional()),
  WHATSAPP_TOKEN: optionalText,
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  // Meta's template names are lower-case letters, digits and underscores.
  WHATSAPP_TEMPLATE: z.string().regex(/^[a-z0-9_]{1,512}$/, 'WHATSAPP_TEMPLATE is a template name: a-z, 0-9, _').default('cooperative_notice'),
  WHATSAPP_TEMPLATE_LANGUAGE: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'WHATSAPP_TEMPLATE_LANGUAGE is a code such as bn or en_US').default('bn'),
  /** Price of one utility-template message in poisha, for cost estimates only (check Meta's rate card). */
  WHATSAPP_PRICE_POISHA: z.coerce.number().int().min(0).default(80),
  WHATSAPP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
};

export const whatsappEnvSchema = z.object(whatsappEnvShape);
export type WhatsAppEnv = z.infer<typeof whatsappEnvSchema>;

/** The client for the worker, or null when WhatsApp is off; refuses to start half-configured. */
export function whatsappClient(env: WhatsAppEnv): CloudWhatsApp | null {
  if (env.WHATSAPP_MODE === 'off') return null;
  const missing = (['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN'] as const).filter((k) => !env[k]);
  if (missing.length) throw new Error(`WHATSAPP_MODE=${env.WHATSAPP_MODE} needs ${missing.join(' and ')}`);
  const base = new URL(env.WHATSAPP_BASE_URL);
  if (env.WHATSAPP_MODE === 'cloud' && base.protocol !== 'https:') throw new Error('WHATSAPP_MODE=cloud needs an https WHATSAPP_BASE_URL (https://graph.facebook.com)');
  // The simulator's token must never go to Meta, nor Meta's token to a local port by mistake.
  if (env.WHATSAPP_MODE === 'simulator' && base.hostname.endsWith('facebook.com')) throw new Error('WHATSAPP_MODE=simulator needs WHATSAPP_BASE_URL set to the simulator, not Meta');
  return new CloudWhatsApp({
    baseUrl: env.WHATSAPP_BASE_URL,
    version: env.WHATSAPP_API_VERSION,
    phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID!,
    token: env.WHATSAPP_TOKEN!,
    template: env.WHATSAPP_TEMPLATE,
    language: env.WHATSAPP_TEMPLATE_LANGUAGE,
    pricePoisha: env.WHATSAPP_PRICE_POISHA,
    timeoutMs: env.WHATSAPP_TIMEOUT_MS,
  });
}

/** The webhook's secrets for the API, or null when WhatsApp is off. */
export function whatsappWebhookSettings(env: WhatsAppEnv): { verifyToken: string; appSecret: string } | null {
  if (env.WHATSAPP_MODE === 'off') return null;
  if (!env.WHATSAPP_APP_SECRET || !env.WHATSAPP_VERIFY_TOKEN) throw new Error(`WHATSAPP_MODE=${env.WHATSAPP_MODE} needs WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN for the webhook`);
  return { verifyToken: env.WHATSAPP_VERIFY_TOKEN, appSecret: env.WHATSAPP_APP_SECRET };
}
