// The bKash accounts the API takes money into, from the environment. In simulator mode the SNS
// certificate comes from the local simulator; in live mode only from AWS (sns.<region>.amazonaws.com).
import { z } from 'zod';
import type { Env } from '../config/env';
import type { PaymentProvider } from '../bkash/payment-provider';
import { simulatorCertFetcher, simulatorSubscriptionFetcher } from '../bkash/simulator';
import { checkoutProvider, TokenizedClient } from '../bkash/tokenized-client';
import { webhookProvider } from '../bkash/webhook-provider';
import type { BkashAccounts } from './bkash-setup';

const Accounts = z.record(z.string(), z.object({ shortCode: z.string().min(3), topicArns: z.array(z.string().startsWith('arn:aws:sns:')).min(1) }));

export function bkashAccountsFromEnv(env: Env): BkashAccounts | undefined {
  if (env.BKASH_MODE === 'off') return undefined;
  let parsed: z.infer<typeof Accounts>;
  try {
    parsed = Accounts.parse(JSON.parse(env.BKASH_ACCOUNTS ?? ''));
  } catch (err) {
    throw new Error(`BKASH_ACCOUNTS must be JSON like {"JHENAIDAH-SADAR":{"shortCode":"01711000001","topicArns":["arn:aws:sns:ap-southeast-1:…"]}}: ${(err as Error).message}`);
  }
  const sim = env.BKASH_MODE === 'simulator' ? env.BKASH_SIMULATOR_URL : undefined;
  if (env.BKASH_MODE === 'simulator' && !sim) throw new Error('BKASH_MODE=simulator needs BKASH_SIMULATOR_URL');
  const client =
    env.BKASH_BASE_URL && env.BKASH_USERNAME && env.BKASH_PASSWORD && env.BKASH_APP_KEY && env.BKASH_APP_SECRET
      ? new TokenizedClient({ baseUrl: env.BKASH_BASE_URL, username: env.BKASH_USERNAME, password: env.BKASH_PASSWORD, appKey: env.BKASH_APP_KEY, appSecret: env.BKASH_APP_SECRET })
      : null;
  const accounts: Record<string, { webhook?: PaymentProvider; checkout?: PaymentProvider }> = {};
  for (const [officeId, a] of Object.entries(parsed)) {
    accounts[officeId] = {
      webhook: webhookProvider({ account: a.shortCode, topicArns: a.topicArns, ...(sim ? { certFetcher: simulatorCertFetcher(sim), subscriptionFetcher: simulatorSubscriptionFetcher(sim) } : {}) }),
      ...(client ? { checkout: checkoutProvider(client, a.shortCode) } : {}),
    };
  }
  return { accounts, deliveryConcurrency: env.PAYMENT_DELIVERY_IN_API, ...(client ? { checkout: { client, publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}` } } : {}) };
}
