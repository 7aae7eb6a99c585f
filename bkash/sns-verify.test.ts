import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './sim-cert';
import { confirmSubscription, defaultCertFetcher, snsUrlProblem, stringToSign, verifySnsMessage, type SnsMessage } from './sns-verify';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW = Date.parse('2024-01-31T09:31:00Z');
const CERT = selfSignedCertificate({ privateKey, publicKey, commonName: 'sns.amazonaws.com', now: NOW });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const OTHER_CERT = selfSignedCertificate({ privateKey: other.privateKey, publicKey: other.publicKey, commonName: 'sns.amazonaws.com', now: NOW });
const CERT_URL = 'https://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';
const TOPIC = 'arn:aws:sns:ap-southeast-1:123456789012:bkash-payment-01711000001';

const fetched: string[] = [];
const certFetcher = async (url: string) => {
  fetched.push(url);
  if (url === CERT_URL) return CERT;
  throw new Error(`no certificate at ${url}`);
};
const opts = { expectedTopicArns: [TOPIC], certFetcher, now: () => NOW };

function signed(fields: Partial<SnsMessage> & Pick<SnsMessage, 'Type'>, key = privateKey): SnsMessage {
  const base = {
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: TOPIC,
    Message: JSON.stringify({ trxID: 'BAV3KD9Q2X', amount: '1050.00' }),
    Timestamp: '2024-01-31T09:30:45.123Z',
    SignatureVersion: '1' as const,
    SigningCertURL: CERT_URL,
    ...(fields.Type === 'Notification' ? { UnsubscribeURL: 'https://sns.ap-southeast-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x' } : {
      Token: '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
      SubscribeURL: `https://sns.ap-southeast-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`,
    }),
    ...fields,
  } as Omit<SnsMessage, 'Signature'>;
  const Signature = sign(base.SignatureVersion === '1' ? 'sha1' : 'sha256', Buffer.from(stringToSign(base as SnsMessage)), key).toString('base64');
  return { ...base, Signature } as SnsMessage;
}
const body = (m: unknown) => JSON.stringify(m);

describe('string to sign', () => {
  it('follows the SNS field order, Subject only when present', () => {
    const n = { Type: 'Notification', Message: 'M', MessageId: 'I', Timestamp: 'T', TopicArn: 'A', Subject: 'S', Signature: 'x', UnsubscribeURL: 'u' } as const;
    expect(stringToSign(n)).toBe('Message\nM\nMessageId\nI\nSubject\nS\nTimestamp\nT\nTopicArn\nA\nType\nNotification\n');
    expect(stringToSign({ ...n, Subject: undefined })).toBe('Message\nM\nMessageId\nI\nTimestamp\nT\nTopicArn\nA\nType\nNotification\n');
    const s = { Type: 'SubscriptionConfirmation', Message: 'M', MessageId: 'I', SubscribeURL: 'U', Timestamp: 'T', Token: 'K', TopicArn: 'A' } as const;
    expect(stringToSign(s)).toBe('Message\nM\nMessageId\nI\nSubscribeURL\nU\nTimestamp\nT\nToken\nK\nTopicArn\nA\nType\nSubscriptionConfirmation\n');
    expect(stringToSign({ ...s, Type: 'UnsubscribeConfirmation' })).toContain('Token\nK\nTopicArn\nA\nType\nUnsubscribeConfirmation\n');
  });
});

describe('verifySnsMessage', () => {
  it('accepts good SignatureVersion 1 (RSA-SHA1) and 2 (RSA-SHA256) notifications, with or without Subject', async () => {
    for (const v of ['1', '2'] as const) {
      for (const subject of [undefined, 'Payment']) {
        const m = signed({ Type: 'Notification', SignatureVersion: v, ...(subject ? { Subject: subject } : {}) });
        const r = await verifySnsMessage(body(m), opts);
        expect(r, `v${v} ${subject}`).toEqual({ ok: true, message: m });
      }
    }
    // Version 2 signed with SHA1 (or vice versa) is not accepted.
    const v1 = signed({ Type: 'Notification', SignatureVersion: '1' });
    expect(await verifySnsMessage(body({ ...v1, SignatureVersion: '2' }), opts)).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('accepts SubscriptionConfirmation and UnsubscribeConfirmation', async () => {
    for (const Type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] as const) {
      expect(await verifySnsMessage(body(signed({ Type, SignatureVersion: '2' })), opts)).toMatchObject({ ok: true });
    }
  });

  it('rejects every forgery with its reason', async () => {
    const good = signed({ Type: 'Notification' });
    const cases: [string, unknown, string, RegExp?][] = [
      ['tampered Message', { ...good, Message: JSON.stringify({ trxID: 'BAV3KD9Q2X', amount: '99999.00' }) }, 'bad_signature', /does not match/],
      ['tampered MessageId', { ...good, MessageId: 'other' }, 'bad_signature'],
      ['added Subject', { ...good, Subject: 'hi' }, 'bad_signature'],
      ['signed by another key', signed({ Type: 'Notification' }, other.privateKey), 'bad_signature'],
      ['signature not base64', { ...good, Signature: '!!!not base64!!!' }, 'bad_signature', /base64/],
      ['wrong topic (re-signed correctly)', signed({ Type: 'Notification', TopicArn: 'arn:aws:sns:ap-southeast-1:123456789012:bkash-payment-01999999999' }), 'wrong_topic', /not a topic of this account/],
      ['stale', signed({ Type: 'Notification', Timestamp: '2024-01-31T08:30:00.000Z' }), 'stale', /old/],
      ['future', signed({ Type: 'Notification', Timestamp: '2024-01-31T10:30:00.000Z' }), 'future_timestamp'],
      ['bad timestamp', signed({ Type: 'Notification', Timestamp: 'yesterday' }), 'bad_timestamp'],
      ['unknown Type', { ...good, Type: 'Notice' }, 'unknown_type', /Notice/],
      ['no Type', { ...good, Type: undefined }, 'unknown_type'],
      ['missing Signature', { ...good, Signature: undefined }, 'missing_field', /Signature/],
      ['missing Message', { ...good, Message: undefined }, 'missing_field', /Message/],
      ['missing Timestamp', { ...good, Timestamp: undefined }, 'missing_field', /Timestamp/],
      ['missing SigningCertURL', { ...good, SigningCertURL: undefined }, 'missing_field', /SigningCertURL/],
      ['numeric MessageId', { ...good, MessageId: 12 }, 'missing_field', /MessageId/],
      ['subscription without Token', { ...signed({ Type: 'SubscriptionConfirmation' }), Token: undefined }, 'missing_field', /Token/],
      ['SignatureVersion 3', { ...good, SignatureVersion: '3' }, 'bad_signature_version'],
      ['SignatureVersion as number', { ...good, SignatureVersion: 1 }, 'missing_field', /SignatureVersion/],
      ['not JSON', 'Type=Notification', 'malformed_json'],
      ['JSON array', [good], 'malformed_json'],
      ['subscription to a look-alike SubscribeURL', signed({ Type: 'SubscriptionConfirmation', SubscribeURL: 'https://sns.evil.com/?Action=ConfirmSubscription' }), 'bad_subscribe_url'],
    ];
    for (const [name, msg, code, reason] of cases) {
      const r = await verifySnsMessage(typeof msg === 'string' ? msg : body(msg), opts);
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      expect(r.code, `${name}: ${r.reason}`).toBe(code);
      if (reason) expect(r.reason, name).toMatch(reason);
    }
  });

  it('rejects certificate URLs that are not https://sns.<region>.amazonaws.com/….pem, before fetching anything', async () => {
    const bad = [
      'http://sns.ap-southeast-1.amazonaws.com/SimpleNotificationService-1.pem',
      'https://sns.evil.com/SimpleNotificationService-1.pem',
      'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem',
      'https://evil.com/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com@evil.com/x.pem',
      'https://user:pw@sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/x.pem',
      'https://xsns.us-east-1.amazonaws.com/x.pem',
      'https://sns.amazonaws.com/x.pem',
      'https://s3.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com/x.pem.txt',
      'https://sns.us-east-1.amazonaws.com/x.cer',
      'https://sns.us-east-1.amazonaws.com/',
      'https://sns.us-east-1.amazonaws.com/x.pem?redirect=https://evil.com/x.pem',
      'https://sns.us-east-1.amazonaws.com/../../evil/x.pem/..',
      'https://sns.us-east-1.amazonaws.com/a/b.pem',
      'file:///etc/x.pem',
      'not a url',
    ];
    fetched.length = 0;
    for (const url of bad) {
      const r = await verifySnsMessage(body(signed({ Type: 'Notification', SigningCertURL: url })), opts);
      expect(r, url).toMatchObject({ ok: false, code: 'bad_cert_url' });
    }
    expect(fetched).toEqual([]);
    expect(snsUrlProblem('http://sns.us-east-1.amazonaws.com/x.pem', 'cert')).toMatch(/https/);
    for (const good of [CERT_URL, 'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-1.pem', 'https://sns.eu-central-1.amazonaws.com/x.pem']) {
      expect(snsUrlProblem(good, 'cert'), good).toBeNull();
    }
  });

  it('a well-formed URL whose certificate is not the signer, or not a certificate, is refused', async () => {
    const m = signed({ Type: 'Notification' });
    expect(await verifySnsMessage(body(m), { ...opts, certFetcher: async () => OTHER_CERT })).toMatchObject({ ok: false, code: 'bad_signature' });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(await verifySnsMessage(body(m), { ...opts, certFetcher: async () => pub })).toMatchObject({ ok: false, code: 'bad_certificate' });
    expect(await verifySnsMessage(body(m), { ...opts, certFetcher: async () => '<html>' })).toMatchObject({ ok: false, code: 'bad_certificate' });
    expect(await verifySnsMessage(body(m), { ...opts, certFetcher: async () => { throw new Error('timeout'); } })).toMatchObject({ ok: false, code: 'cert_unavailable', reason: expect.stringMatching(/timeout/) });
    const expired = selfSignedCertificate({ privateKey, publicKey, commonName: 'x', now: NOW - 400 * 86_400_000, days: 30 });
    expect(await verifySnsMessage(body(m), { ...opts, certFetcher: async () => expired })).toMatchObject({ ok: false, code: 'bad_certificate', reason: expect.stringMatching(/not valid now/) });
  });

  it('accepts any of several expected topics; none expected means nothing passes', async () => {
    const m = signed({ Type: 'Notification' });
    expect(await verifySnsMessage(body(m), { ...opts, expectedTopicArns: ['arn:aws:sns:ap-southeast-1:1:old', TOPIC] })).toMatchObject({ ok: true });
    expect(await verifySnsMessage(body(m), { ...opts, expectedTopicArns: [] })).toMatchObject({ ok: false, code: 'wrong_topic' });
  });

  it('staleness is configurable', async () => {
    const m = signed({ Type: 'Notification', Timestamp: '2024-01-31T09:20:00.000Z' });
    expect(await verifySnsMessage(body(m), opts)).toMatchObject({ ok: true });
    expect(await verifySnsMessage(body(m), { ...opts, maxAgeMs: 5 * 60_000 })).toMatchObject({ ok: false, code: 'stale' });
  });
});

describe('defaultCertFetcher', () => {
  it('fetches once per URL, shares in-flight requests, does not cache failures, and times out', async () => {
    let calls = 0;
    let fail = true;
    const fake = (async (_url: string, init?: RequestInit) => {
      calls += 1;
      if (fail) return new Response('nope', { status: 500 });
      if (String(_url).includes('slow')) {
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, 5_000);
          init?.signal?.addEventListener('abort', () => { clearTimeout(t); reject(init.signal!.reason); });
        });
      }
      return new Response(CERT);
    }) as typeof fetch;
    const f = defaultCertFetcher({ fetchImpl: fake, timeoutMs: 100 });
    await expect(f(CERT_URL)).rejects.toThrow(/500/);
    fail = false;
    const [a, b] = await Promise.all([f(CERT_URL), f(CERT_URL)]);
    expect(a).toBe(CERT);
    expect(b).toBe(CERT);
    await f(CERT_URL);
    expect(calls).toBe(2);
    await expect(f('https://sns.us-east-1.amazonaws.com/slow.pem')).rejects.toThrow();
  });
});

describe('confirmSubscription', () => {
  it('GETs a valid SubscribeURL and reads the SubscriptionArn', async () => {
    const m = signed({ Type: 'SubscriptionConfirmation' });
    const got: string[] = [];
    const r = await confirmSubscription(m, async (url) => {
      got.push(url);
      return { status: 200, body: '<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn:aws:sns:ap-southeast-1:123456789012:t:abc</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>' };
    });
    expect(r).toEqual({ ok: true, subscriptionArn: 'arn:aws:sns:ap-southeast-1:123456789012:t:abc' });
    expect(got).toEqual([m.SubscribeURL]);
  });

  it('refuses SubscribeURLs off SNS, non-subscriptions and failed confirmations', async () => {
    const never = async () => { throw new Error('must not be called'); };
    for (const url of ['http://sns.ap-southeast-1.amazonaws.com/?Action=ConfirmSubscription', 'https://sns.evil.com/?Action=ConfirmSubscription', 'https://sns.ap-southeast-1.amazonaws.com.evil.com/']) {
      expect(await confirmSubscription({ ...signed({ Type: 'SubscriptionConfirmation' }), SubscribeURL: url }, never), url).toMatchObject({ ok: false });
    }
    expect(await confirmSubscription(signed({ Type: 'Notification' }), never)).toMatchObject({ ok: false });
    expect(await confirmSubscription(signed({ Type: 'SubscriptionConfirmation' }), async () => ({ status: 403, body: '' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/403/) });
  });
});
