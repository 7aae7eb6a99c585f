// The "Make Payment" way: bKash's payment notification (webhook) for one upazila merchant account.
// An SNS message is verified (signature, certificate URL, topic, age), a SubscriptionConfirmation is
// confirmed, and a Notification's Message becomes a ReceivedPayment, if it credits this account.
import { parseBkashNotification } from './notification';
import type { PaymentProvider, ProviderDelivery, ProviderOutcome } from './payment-provider';
import { sameWallet } from './payment-provider';
import { confirmSubscription, verifySnsMessage, type CertFetcher, type SubscriptionFetcher } from './sns-verify';

export interface WebhookAccountConfig {
  /** The merchant wallet / short code bKash credits (creditShortCode in the notification). */
  account: string;
  /** The SNS topic ARN(s) bKash publishes this account's notifications to. */
  topicArns: readonly string[];
  certFetcher?: CertFetcher;
  subscriptionFetcher?: SubscriptionFetcher;
  maxAgeMs?: number;
  now?: () => number;
}

export function webhookProvider(cfg: WebhookAccountConfig): PaymentProvider {
  return {
    method: 'webhook',
    account: cfg.account,
    async receive(delivery: ProviderDelivery): Promise<ProviderOutcome> {
      if (delivery.kind !== 'sns') return { kind: 'rejected', code: 'wrong_delivery', reason: 'the webhook takes SNS messages only' };
      const v = await verifySnsMessage(delivery.body, {
        expectedTopicArns: cfg.topicArns,
        ...(cfg.certFetcher ? { certFetcher: cfg.certFetcher } : {}),
        ...(cfg.maxAgeMs !== undefined ? { maxAgeMs: cfg.maxAgeMs } : {}),
        ...(cfg.now ? { now: cfg.now } : {}),
      });
      if (!v.ok) {
        // A certificate we could not fetch is our problem, not a forgery: let SNS retry.
        return v.code === 'cert_unavailable' ? { kind: 'retry', code: v.code, reason: v.reason } : { kind: 'rejected', code: v.code, reason: v.reason };
      }
      const msg = v.message;
      if (msg.Type === 'SubscriptionConfirmation') {
        const c = await confirmSubscription(msg, cfg.subscriptionFetcher);
        return c.ok
          ? { kind: 'ignored', code: 'subscription_confirmed', reason: `subscribed to ${msg.TopicArn}`, detail: { subscriptionArn: c.subscriptionArn } }
          : { kind: 'retry', code: 'subscription_not_confirmed', reason: c.reason };
      }
      if (msg.Type === 'UnsubscribeConfirmation') {
        return { kind: 'ignored', code: 'unsubscribed', reason: `this endpoint was unsubscribed from ${msg.TopicArn}: notifications stop until it is subscribed again` };
      }
      const parsed = parseBkashNotification(msg.Message);
      if (parsed.kind === 'invalid') return { kind: 'rejected', code: 'bad_notification', reason: parsed.reason };
      if (parsed.kind === 'not_completed') return { kind: 'ignored', code: 'not_completed', reason: parsed.reason, detail: { trxId: parsed.trxId } };
      if (!sameWallet(parsed.payment.creditShortCode, cfg.account)) {
        return { kind: 'rejected', code: 'wrong_account', reason: `creditShortCode ${parsed.payment.creditShortCode} is not this account (${cfg.account})` };
      }
      return { kind: 'payment', payment: { ...parsed.payment, raw: { sns: { MessageId: msg.MessageId, TopicArn: msg.TopicArn, Timestamp: msg.Timestamp }, message: parsed.payment.raw } } };
    },
  };
}
