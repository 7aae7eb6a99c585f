// Verifying the AWS SNS messages through which bKash's payment notification service (the merchant
// "webhook") announces payments. Implements the algorithm AWS documents for HTTP/S subscribers
// ("Verifying the signatures of Amazon SNS messages"):
//
//  - the body is JSON with `Type` SubscriptionConfirmation | Notification | UnsubscribeConfirmation;
//  - the certificate comes only from `https://sns.<region>.amazonaws.com/....pem`;
//  - the string to sign is "Key\nValue\n" for, in this order,
//      Notification:           Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type
//      (Un)SubscriptionConfirm: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type
//  - `Signature` (base64) is RSA PKCS#1 v1.5 over it with SHA1 when SignatureVersion is "1", SHA256 when "2".
//
// On top of that: the TopicArn must be one we expect for the receiving upazila account, and messages
// older than `maxAgeMs` (default one hour) or from the future are refused (a replayed capture). Every
// refusal carries a code and a reason.
import { X509Certificate, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type SnsType = 'SubscriptionConfirmation' | 'Notification' | 'UnsubscribeConfirmation';
export const SNS_TYPES: readonly SnsType[] = ['SubscriptionConfirmation', 'Notification', 'UnsubscribeConfirmation'];

export interface SnsMessage {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  /** ISO 8601, e.g. "2024-01-31T09:30:45.123Z". */
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  /** SubscriptionConfirmation / UnsubscribeConfirmation only. */
  SubscribeURL?: string;
  Token?: string;
  /** Notification only. */
  UnsubscribeURL?: string;
}

export type SnsRejectCode =
  | 'malformed_json'
  | 'unknown_type'
  | 'missing_field'
  | 'bad_signature_version'
  | 'wrong_topic'
  | 'bad_timestamp'
  | 'stale'
  | 'future_timestamp'
  | 'bad_cert_url'
  | 'cert_unavailable'
  | 'bad_certificate'
  | 'bad_signature'
  | 'bad_subscribe_url';

export type SnsVerification = { ok: true; message: SnsMessage } | { ok: false; code: SnsRejectCode; reason: string };

/** Returns the PEM text found at a (validated) SigningCertURL. */
export type CertFetcher = (url: string) => Promise<string>;

export interface SnsVerifyOptions {
  /** The topic(s) bKash publishes the receiving account's notifications to. Empty = refuse everything. */
  expectedTopicArns: readonly string[];
  certFetcher?: CertFetcher;
  /** Older messages are refused; default one hour. */
  maxAgeMs?: number;
  /** Clock skew tolerated for Timestamps in the future; default five minutes. */
  maxFutureSkewMs?: number;
  now?: () => number;
}

const FIELDS: Record<SnsType, { required: (keyof SnsMessage)[]; signed: (keyof SnsMessage)[] }> = {
  Notification: {
    required: ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'],
    signed: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  },
  SubscriptionConfirmation: {
    required: ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'SubscribeURL', 'Token'],
    signed: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  },
  UnsubscribeConfirmation: {
    required: ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'SubscribeURL', 'Token'],
    signed: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  },
};

/** `sns.<region>.amazonaws.com`, region like ap-southeast-1 or us-gov-west-1; nothing before or after. */
export const SNS_HOST = /^sns\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com$/;

/** The exact bytes SNS signed, per AWS's documented field order. */
export function stringToSign(message: Pick<SnsMessage, 'Type'> & Partial<SnsMessage>): string {
  const spec = FIELDS[message.Type];
  if (!spec) throw new Error(`unknown SNS Type ${String(message.Type)}`);
  let out = '';
  for (const key of spec.signed) {
    const value = message[key];
    if (key === 'Subject' && typeof value !== 'string') continue;
    out += `${key}\n${value ?? ''}\n`;
  }
  return out;
}

/** Null when `url` is an https URL on an SNS host (and, for certificates, a .pem file); else the reason. */
export function snsUrlProblem(url: string, kind: 'cert' | 'subscribe'): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${kind === 'cert' ? 'SigningCertURL' : 'SubscribeURL'} is not a URL`;
  }
  const name = kind === 'cert' ? 'SigningCertURL' : 'SubscribeURL';
  if (u.protocol !== 'https:') return `${name} must be https, got ${u.protocol}`;
  if (u.username || u.password) return `${name} must not carry credentials`;
  if (u.port !== '') return `${name} must use the default https port`;
  if (!SNS_HOST.test(u.hostname)) return `${name} host "${u.hostname}" is not sns.<region>.amazonaws.com`;
  if (kind === 'cert') {
    if (u.search || u.hash) return `${name} must not have a query or fragment`;
    if (!/^\/[A-Za-z0-9._-]+\.pem$/.test(u.pathname)) return `${name} path "${u.pathname}" is not a .pem certificate`;
  }
  return null;
}

/** fetch with a timeout, one request per URL (cached, also while in flight); failures are not cached. */
export function defaultCertFetcher(opts: { timeoutMs?: number; fetchImpl?: typeof fetch; maxEntries?: number } = {}): CertFetcher {
  const cache = new Map<string, Promise<string>>();
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const fetchImpl = opts.fetchImpl ?? fetch;
  return (url) => {
    const hit = cache.get(url);
    if (hit) return hit;
    const pending = (async () => {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
      const text = await res.text();
      if (text.length > 16_384) throw new Error('certificate is implausibly large');
      return text;
    })();
    if (cache.size >= (opts.maxEntries ?? 32)) cache.delete(cache.keys().next().value!);
    cache.set(url, pending);
    pending.catch(() => cache.delete(url));
    return pending;
  };
}

const sharedFetcher = defaultCertFetcher();

interface ParsedCert {
  validFrom: string;
  validTo: string;
  validFromMs: number;
  validToMs: number;
  publicKey: KeyObject;
}

/**
 * A certificate parsed once per PEM text: every notification names the same few certificates, and
 * parsing one (and taking its key out) cost more of the webhook's CPU than checking the signature.
 */
const parsedCerts = new Map<string, ParsedCert>();
function parsedCert(pem: string): ParsedCert {
  const hit = parsedCerts.get(pem);
  if (hit) return hit;
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('not a PEM certificate');
  const x509 = new X509Certificate(pem);
  const cert = { validFrom: x509.validFrom, validTo: x509.validTo, validFromMs: Date.parse(x509.validFrom), validToMs: Date.parse(x509.validTo), publicKey: x509.publicKey };
  if (parsedCerts.size >= 32) parsedCerts.delete(parsedCerts.keys().next().value!);
  parsedCerts.set(pem, cert);
  return cert;
}

function reject(code: SnsRejectCode, reason: string): SnsVerification {
  return { ok: false, code, reason };
}

/** Checks shape, topic, age, certificate URL and signature of one SNS message. */
export async function verifySnsMessage(body: string | unknown, opts: SnsVerifyOptions): Promise<SnsVerification> {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return reject('malformed_json', 'body is not JSON');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return reject('malformed_json', 'body is not a JSON object');
  const m = parsed as Record<string, unknown>;
  const type = m.Type;
  if (typeof type !== 'string' || !(SNS_TYPES as readonly string[]).includes(type)) {
    return reject('unknown_type', `Type ${JSON.stringify(type ?? null)} is not SubscriptionConfirmation, Notification or UnsubscribeConfirmation`);
  }
  const spec = FIELDS[type as SnsType];
  for (const key of spec.required) {
    if (typeof m[key] !== 'string' || (m[key] as string).length === 0) return reject('missing_field', `${key} is missing or not a string`);
  }
  if (m.Subject !== undefined && m.Subject !== null && typeof m.Subject !== 'string') return reject('missing_field', 'Subject is not a string');
  const msg = m as unknown as SnsMessage;
  if (msg.SignatureVersion !== '1' && msg.SignatureVersion !== '2') {
    return reject('bad_signature_version', `SignatureVersion ${JSON.stringify(msg.SignatureVersion)} is not "1" or "2"`);
  }
  if (!opts.expectedTopicArns.includes(msg.TopicArn)) return reject('wrong_topic', `TopicArn ${msg.TopicArn} is not a topic of this account`);

  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(msg.Timestamp) || Number.isNaN(Date.parse(msg.Timestamp))) {
    return reject('bad_timestamp', `Timestamp "${msg.Timestamp.slice(0, 40)}" is not an ISO 8601 UTC time`);
  }
  const now = (opts.now ?? Date.now)();
  const at = Date.parse(msg.Timestamp);
  const maxAge = opts.maxAgeMs ?? 3_600_000;
  if (now - at > maxAge) return reject('stale', `Timestamp ${msg.Timestamp} is more than ${Math.round(maxAge / 1000)} s old`);
  if (at - now > (opts.maxFutureSkewMs ?? 300_000)) return reject('future_timestamp', `Timestamp ${msg.Timestamp} is in the future`);

  const urlProblem = snsUrlProblem(msg.SigningCertURL, 'cert');
  if (urlProblem) return reject('bad_cert_url', urlProblem);
  if (msg.Type !== 'Notification') {
    const subProblem = snsUrlProblem(msg.SubscribeURL!, 'subscribe');
    if (subProblem) return reject('bad_subscribe_url', subProblem);
  }

  let pem: string;
  try {
    pem = await (opts.certFetcher ?? sharedFetcher)(msg.SigningCertURL);
  } catch (err) {
    return reject('cert_unavailable', `could not fetch the signing certificate: ${(err as Error).message}`);
  }
  let cert: ParsedCert;
  try {
    cert = parsedCert(pem);
  } catch (err) {
    return reject('bad_certificate', `the signing certificate does not parse: ${(err as Error).message}`);
  }
  if (now < cert.validFromMs || now > cert.validToMs) {
    return reject('bad_certificate', `the signing certificate is not valid now (${cert.validFrom} – ${cert.validTo})`);
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') return reject('bad_certificate', 'the signing certificate does not hold an RSA key');

  const signature = Buffer.from(msg.Signature, 'base64');
  if (signature.length === 0 || signature.toString('base64').replace(/=+$/, '') !== msg.Signature.replace(/\s/g, '').replace(/=+$/, '')) {
    return reject('bad_signature', 'Signature is not base64');
  }
  let good = false;
  try {
    good = cryptoVerify(msg.SignatureVersion === '1' ? 'sha1' : 'sha256', Buffer.from(stringToSign(msg), 'utf8'), cert.publicKey, signature);
  } catch {
    good = false;
  }
  if (!good) return reject('bad_signature', `the SignatureVersion ${msg.SignatureVersion} signature does not match the message`);
  return { ok: true, message: msg };
}

export type SubscriptionFetcher = (url: string) => Promise<{ status: number; body: string }>;

const defaultSubscriptionFetcher: SubscriptionFetcher = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
  return { status: res.status, body: await res.text() };
};

/**
 * Confirms a (verified) SubscriptionConfirmation by GETting its SubscribeURL, which must itself be
 * https on sns.<region>.amazonaws.com. Call only with a message `verifySnsMessage` accepted.
 */
export async function confirmSubscription(
  message: SnsMessage,
  fetcher: SubscriptionFetcher = defaultSubscriptionFetcher,
): Promise<{ ok: true; subscriptionArn: string | null } | { ok: false; reason: string }> {
  if (message.Type !== 'SubscriptionConfirmation') return { ok: false, reason: `a ${message.Type} is not confirmed` };
  const problem = snsUrlProblem(message.SubscribeURL ?? '', 'subscribe');
  if (problem) return { ok: false, reason: problem };
  let res: { status: number; body: string };
  try {
    res = await fetcher(message.SubscribeURL!);
  } catch (err) {
    return { ok: false, reason: `SubscribeURL could not be reached: ${(err as Error).message}` };
  }
  if (res.status < 200 || res.status > 299) return { ok: false, reason: `SubscribeURL answered ${res.status}` };
  const arn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(res.body)?.[1] ?? null;
  return { ok: true, subscriptionArn: arn };
}
