// The SMS settings from the environment. `smsEnvShape` is meant to be spread into config/env.ts's
// envSchema; `smsSettings` checks that the chosen provider has its credentials and builds it.
import { z } from 'zod';
import { createBulkSmsBdProvider } from './bulksmsbd';
import { createConsoleProvider } from './console-provider';
import type { SmsProvider } from './provider';
import type { QuietHours } from './quiet-hours';
import type { SmsPrices } from './segments';
import { createSslWirelessProvider } from './ssl-wireless';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (Asia/Dhaka)');

export const smsEnvShape = {
  SMS_PROVIDER: z.enum(['console', 'ssl-wireless', 'bulksmsbd']).default('console'),
  SMS_BASE_URL: optionalText.pipe(z.string().url('SMS_BASE_URL must be an http(s) URL').optional()),
  SSL_WIRELESS_API_TOKEN: optionalText,
  SSL_WIRELESS_SID: optionalText,
  BULKSMSBD_API_KEY: optionalText,
  BULKSMSBD_SENDER_ID: optionalText,
  SMS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  SMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  SMS_QUIET_START: hhmm.default('21:00'),
  SMS_QUIET_END: hhmm.default('08:00'),
  SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SMS_PRICE_GSM_POISHA: z.coerce.number().int().min(0).optional(),
  SMS_PRICE_UCS2_POISHA: z.coerce.number().int().min(0).optional(),
  SMS_PAYMENT_LINK: optionalText,
  /** After an attempt whose outcome is unknown, on a gateway that cannot drop a repeat: fail (never twice) or resend. */
  SMS_UNKNOWN_OUTCOME: z.enum(['fail', 'resend']).default('fail'),
};

export const smsEnvSchema = z.object(smsEnvShape);
export type SmsEnv = z.infer<typeof smsEnvSchema>;

export interface SmsSettings {
  provider: SmsProvider;
  rateLimitPerSecond: number;
  quietHours: QuietHours;
  maxAttempts: number;
  unknownOutcome: 'fail' | 'resend';
  prices?: SmsPrices;
  paymentLink?: string;
}

export function smsSettings(env: SmsEnv): SmsSettings {
  const missing = (names: (keyof SmsEnv)[]) => names.filter((n) => !env[n]);
  let provider: SmsProvider;
  if (env.SMS_PROVIDER === 'ssl-wireless') {
    const lacking = missing(['SMS_BASE_URL', 'SSL_WIRELESS_API_TOKEN', 'SSL_WIRELESS_SID']);
    if (lacking.length) throw new Error(`SMS_PROVIDER=ssl-wireless needs ${lacking.join(', ')}`);
    provider = createSslWirelessProvider({ baseUrl: env.SMS_BASE_URL!, apiToken: env.SSL_WIRELESS_API_TOKEN!, sid: env.SSL_WIRELESS_SID!, timeoutMs: env.SMS_TIMEOUT_MS });
  } else if (env.SMS_PROVIDER === 'bulksmsbd') {
    const lacking = missing(['SMS_BASE_URL', 'BULKSMSBD_API_KEY', 'BULKSMSBD_SENDER_ID']);
    if (lacking.length) throw new Error(`SMS_PROVIDER=bulksmsbd needs ${lacking.join(', ')}`);
    provider = createBulkSmsBdProvider({ baseUrl: env.SMS_BASE_URL!, apiKey: env.BULKSMSBD_API_KEY!, senderId: env.BULKSMSBD_SENDER_ID!, timeoutMs: env.SMS_TIMEOUT_MS });
  } else {
    provider = createConsoleProvider();
  }
  const prices =
    env.SMS_PRICE_GSM_POISHA !== undefined && env.SMS_PRICE_UCS2_POISHA !== undefined
      ? { gsmPerSegmentPoisha: env.SMS_PRICE_GSM_POISHA, ucs2PerSegmentPoisha: env.SMS_PRICE_UCS2_POISHA }
      : undefined;
  return {
    provider,
    rateLimitPerSecond: env.SMS_RATE_PER_SECOND,
    quietHours: { start: env.SMS_QUIET_START, end: env.SMS_QUIET_END },
    maxAttempts: env.SMS_MAX_ATTEMPTS,
    unknownOutcome: env.SMS_UNKNOWN_OUTCOME,
    ...(prices ? { prices } : {}),
    ...(env.SMS_PAYMENT_LINK ? { paymentLink: env.SMS_PAYMENT_LINK } : {}),
  };
}
