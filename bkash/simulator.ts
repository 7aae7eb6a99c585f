// A local bKash for tests and the demo: ONE HTTP server that
//  - speaks the tokenized checkout API (grant/refresh/create/execute/query) and checks what bKash
//    checks: username/password/app key/secret, id_token validity and expiry, X-App-Key, mode, amount
//    format and limits, currency, intent, invoice number, callback URL, payment state, idempotent
//    execute (2117 on a repeat), the payer's balance (2023);
//  - serves the "bKash page" at each bkashURL where the payer (a test, or a person in the demo) enters
//    wallet, OTP and PIN and approves or cancels; the page then redirects to the callbackURL with
//    paymentID, status, signature and apiVersion, as bKash does;
//  - plays bKash's payment notification service: signs SNS messages (SignatureVersion 1 = RSA-SHA1,
//    2 = RSA-SHA256) with its own key and a real self-signed X.509 certificate, published at
//    /sns/<name>.pem, and POSTs them to a webhook; messages name a well-formed amazonaws
//    SigningCertURL, and `certFetcher` / `simulatorCertFetcher(url)` map that URL to this server;
//  - keeps every completed transaction and writes the merchant statement CSV.
// Sandbox-style test values: OTP 123456, PIN 12121 (bKash's published sandbox values).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { AmountError, formatTakaAmount, parseTakaAmount } from './amount';
import { formatBkashDateTime } from './notification';
import { sameWallet } from './payment-provider';
import { selfSignedCertificate } from './sim-cert';
import { snsUrlProblem, stringToSign, type CertFetcher, type SnsMessage, type SubscriptionFetcher } from './sns-verify';
import { formatStatementCsv, type StatementRow } from './statement';

export interface SimulatorCredentials {
  username: string;
  password: string;
  appKey: string;
  appSecret: string;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  credentials?: Partial<SimulatorCredentials>;
  /** id_token life in seconds (bKash: 3600). */
  tokenTtlSeconds?: number;
  /** The merchant wallet credited by this simulated account. */
  shortCode?: string;
  organizationName?: string;
  region?: string;
  /** Defaults to arn:aws:sns:<region>:<12 digits>:bkash-payment-<shortCode>. */
  topicArn?: string;
  /** When set, every completed checkout is also announced by a signed notification here (as bKash does for the wallet). */
  webhookUrl?: string;
  /** A created payment not executed within this time expires (default 30 minutes). */
  paymentTtlMs?: number;
  minAmountPoisha?: number;
  maxAmountPoisha?: number;
  /** Balance of a wallet never set with setBalance (default ৳1,00,000). */
  defaultBalancePoisha?: number;
  now?: () => number;
}

export type SimPaymentStatus = 'Initiated' | 'Authorized' | 'Completed' | 'Cancelled' | 'Failed' | 'Expired';

export interface SimCheckout {
  paymentID: string;
  amountPoisha: number;
  payerReference: string;
  callbackURL: string;
  merchantInvoiceNumber: string;
  status: SimPaymentStatus;
  createdAt: number;
  customerMsisdn: string | null;
  trxID: string | null;
  executedAt: number | null;
  executeCalls: number;
}

export interface SimNotifyPayment {
  /** Default: a fresh bKash-looking id. */
  trxID?: string;
  amountPoisha?: number;
  /** Raw amount text instead of amountPoisha (to send malformed amounts). */
  amount?: string;
  debitMSISDN: string;
  reference?: string;
  merchantInvoiceNumber?: string;
  /** Default now. */
  at?: number;
  transactionStatus?: string;
  creditShortCode?: string;
  currency?: string;
}

export interface NotifyOptions {
  signatureVersion?: '1' | '2';
  /** Change the Message after signing (a forgery). */
  tamper?: boolean;
  /** Sign correctly, but for another topic (a genuine message of some other account). */
  wrongTopic?: boolean;
  /** Timestamp this far in the past (true = 2 hours). */
  stale?: boolean | number;
  /** Deliver the same message this many times (SNS delivers at least once). */
  repeat?: number;
  subject?: string;
  /** Record it in the merchant statement (default: yes unless tampered or wrong topic). */
  record?: boolean;
}

export interface NotifyResult {
  status: number;
  body: string;
  /** The answer's Server-Timing header (the webhook says how long verifying and storing took). */
  serverTiming: string | null;
  envelope: SnsMessage;
}

export interface BkashSimulator {
  url: string;
  credentials: SimulatorCredentials;
  shortCode: string;
  topicArn: string;
  region: string;
  /** The amazonaws URL messages name; served by this simulator at /sns/<file>. */
  signingCertUrl: string;
  certificatePem: string;
  /** Resolves this simulator's signingCertUrl (over HTTP from the simulator); refuses anything else. */
  certFetcher: CertFetcher;
  /** Resolves SubscribeURLs of this simulator's SubscriptionConfirmations. */
  subscriptionFetcher: SubscriptionFetcher;
  stats: { grants: number; refreshes: number; creates: number; executes: number; queries: number };
  payments: ReadonlyMap<string, SimCheckout>;
  transactions: readonly StatementRow[];
  confirmedSubscriptions: readonly string[];
  stop(): Promise<void>;
  setBalance(msisdn: string, poisha: number): void;
  /** Make every issued id_token expire now (refresh tokens stay valid). */
  expireTokens(): void;
  /** Process the next call to `endpoint` normally but answer only after `ms` (a lost/slow answer). */
  delayNext(endpoint: SimEndpoint, ms: number): void;
  /** Answer the next call to `endpoint` with this HTTP status and body, without processing it. */
  failNext(endpoint: SimEndpoint, status: number, body: unknown): void;
  /** What the payer does on the bKash page; returns the redirect the browser would follow. */
  approve(paymentID: string, payer?: { wallet?: string; otp?: string; pin?: string }): Promise<string>;
  cancel(paymentID: string): Promise<string>;
  /** Sends a signed SNS Notification of a payment to `webhookUrl`. */
  notify(webhookUrl: string, payment: SimNotifyPayment, opts?: NotifyOptions): Promise<NotifyResult[]>;
  /** The signed SNS Notification `notify` would send, without sending it (a load generator signs ahead). */
  signedNotification(payment: SimNotifyPayment, opts?: Omit<NotifyOptions, 'repeat'>): SnsMessage;
  /** Posts an SNS envelope to `webhookUrl` as SNS does (its headers, a text/plain body). */
  deliver(webhookUrl: string, envelope: SnsMessage): Promise<NotifyResult>;
  /** Sends a signed SubscriptionConfirmation (what SNS does when bKash subscribes our webhook). */
  subscribe(webhookUrl: string, opts?: { signatureVersion?: '1' | '2' }): Promise<NotifyResult>;
  /** Completed transactions with from <= at < to, as bKash's merchant statement CSV. */
  merchantStatement(from: number, to: number): { csv: string; rows: StatementRow[] };
}

export type SimEndpoint = 'token/grant' | 'token/refresh' | 'create' | 'execute' | 'payment/status';

const ENDPOINTS: Record<string, SimEndpoint> = {
  '/tokenized/checkout/token/grant': 'token/grant',
  '/tokenized/checkout/token/refresh': 'token/refresh',
  '/tokenized/checkout/create': 'create',
  '/tokenized/checkout/execute': 'execute',
  '/tokenized/checkout/payment/status': 'payment/status',
};

export const SIM_OTP = '123456';
export const SIM_PIN = '12121';
const CERT_FILE = 'SimpleNotificationService-asrayon-simulator.pem';
const TRX_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function trxId(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => TRX_ALPHABET[b % TRX_ALPHABET.length]).join('');
}

/** bKash's paymentExecuteTime format: "2024-01-31T15:30:45:123 GMT+0600". */
function executeTime(at: number): string {
  const s = new Date(at + 6 * 3_600_000).toISOString();
  return `${s.slice(0, 19)}:${s.slice(20, 23)} GMT+0600`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Maps any well-formed sns.<region>.amazonaws.com/<file>.pem to the simulator at `simulatorUrl`. For the demo's API process. */
export function simulatorCertFetcher(simulatorUrl: string, opts: { timeoutMs?: number } = {}): CertFetcher {
  const base = simulatorUrl.replace(/\/+$/, '');
  // Cached per URL like the real fetcher (a certificate does not change); failures are not cached.
  const cache = new Map<string, Promise<string>>();
  return async (url) => {
    const problem = snsUrlProblem(url, 'cert');
    if (problem) throw new Error(problem);
    let pem = cache.get(url);
    if (!pem) {
      pem = (async () => {
        const res = await fetch(`${base}/sns${new URL(url).pathname}`, { signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
        if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
        return res.text();
      })();
      cache.set(url, pem);
      pem.catch(() => cache.delete(url));
    }
    return pem;
  };
}

/** Maps SubscribeURLs on sns.<region>.amazonaws.com to the simulator at `simulatorUrl`. */
export function simulatorSubscriptionFetcher(simulatorUrl: string): SubscriptionFetcher {
  const base = simulatorUrl.replace(/\/+$/, '');
  return async (url) => {
    const problem = snsUrlProblem(url, 'subscribe');
    if (problem) throw new Error(problem);
    const u = new URL(url);
    const res = await fetch(`${base}/sns/${u.search}`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.text() };
  };
}

export async function startBkashSimulator(opts: SimulatorOptions = {}): Promise<BkashSimulator> {
  const now = opts.now ?? Date.now;
  const credentials: SimulatorCredentials = {
    username: opts.credentials?.username ?? 'sandboxTokenizedUser02',
    password: opts.credentials?.password ?? 'sandboxTokenizedUser02@12345',
    appKey: opts.credentials?.appKey ?? '4f6o0cjiki2rfm34kfdadl1eqq',
    appSecret: opts.credentials?.appSecret ?? '2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b',
  };
  const region = opts.region ?? 'ap-southeast-1';
  const shortCode = opts.shortCode ?? '01711000001';
  const topicArn = opts.topicArn ?? `arn:aws:sns:${region}:123456789012:bkash-payment-${shortCode}`;
  const tokenTtl = opts.tokenTtlSeconds ?? 3600;
  const paymentTtlMs = opts.paymentTtlMs ?? 30 * 60_000;
  const minAmount = opts.minAmountPoisha ?? 100;
  const maxAmount = opts.maxAmountPoisha ?? 50_000_00;

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificatePem = selfSignedCertificate({ privateKey, publicKey, commonName: 'sns.amazonaws.com', now: now() });
  const signingCertUrl = `https://sns.${region}.amazonaws.com/${CERT_FILE}`;

  const idTokens = new Map<string, number>(); // token → expiresAt
  const refreshTokens = new Map<string, number>();
  const payments = new Map<string, SimCheckout>();
  const balances = new Map<string, number>();
  const transactions: StatementRow[] = [];
  const subscriptionTokens = new Map<string, string>(); // token → topic
  const confirmedSubscriptions: string[] = [];
  const delays = new Map<SimEndpoint, number>();
  const failures = new Map<SimEndpoint, { status: number; body: unknown }>();
  const stats = { grants: 0, refreshes: 0, creates: 0, executes: 0, queries: 0 };
  let url = '';

  const balanceOf = (msisdn: string) => balances.get(msisdn) ?? opts.defaultBalancePoisha ?? 100_000_00;
  const ok = (extra: Record<string, unknown>) => ({ ...extra, statusCode: '0000', statusMessage: 'Successful' });
  const err = (code: string, message: string) => ({ statusCode: code, statusMessage: message });

  function issueTokens(refresh?: string) {
    const id = `eyJ${randomBytes(24).toString('base64url')}`;
    idTokens.set(id, now() + tokenTtl * 1000);
    const r = refresh ?? `rt_${randomBytes(24).toString('base64url')}`;
    refreshTokens.set(r, now() + 28 * 86_400_000);
    return ok({ id_token: id, token_type: 'Bearer', expires_in: tokenTtl, refresh_token: r });
  }

  function expireIfDue(p: SimCheckout) {
    if ((p.status === 'Initiated' || p.status === 'Authorized') && now() - p.createdAt > paymentTtlMs) p.status = 'Expired';
  }

  function queryView(p: SimCheckout) {
    return ok({
      paymentID: p.paymentID,
      mode: '0011',
      paymentCreateTime: executeTime(p.createdAt),
      ...(p.executedAt !== null ? { paymentExecuteTime: executeTime(p.executedAt) } : {}),
      ...(p.trxID ? { trxID: p.trxID } : {}),
      transactionStatus: p.status === 'Authorized' ? 'Initiated' : p.status,
      amount: formatTakaAmount(p.amountPoisha),
      currency: 'BDT',
      intent: 'sale',
      merchantInvoiceNumber: p.merchantInvoiceNumber,
      payerReference: p.payerReference,
      ...(p.customerMsisdn ? { customerMsisdn: p.customerMsisdn, payerAccount: p.customerMsisdn } : {}),
      userVerificationStatus: p.status === 'Completed' ? 'Complete' : 'Incomplete',
      verificationStatus: p.status === 'Completed' ? 'Complete' : 'Incomplete',
    });
  }

  /** The API: [httpStatus, body]. */
  function api(endpoint: SimEndpoint, headers: IncomingMessage['headers'], body: Record<string, unknown>): [number, unknown] {
    if (endpoint === 'token/grant' || endpoint === 'token/refresh') {
      if (headers.username !== credentials.username || headers.password !== credentials.password) return [401, { message: 'Unauthorized' }];
      if (body.app_key !== credentials.appKey || body.app_secret !== credentials.appSecret) return [200, err('2001', 'Invalid App Key')];
      if (endpoint === 'token/grant') {
        stats.grants += 1;
        return [200, issueTokens()];
      }
      stats.refreshes += 1;
      const r = typeof body.refresh_token === 'string' ? body.refresh_token : '';
      const exp = refreshTokens.get(r);
      if (exp === undefined || exp < now()) return [401, { message: 'The refresh token is invalid or expired' }];
      return [200, issueTokens(r)];
    }
    const auth = headers.authorization;
    const exp = typeof auth === 'string' ? idTokens.get(auth.replace(/^Bearer /, '')) : undefined;
    if (exp === undefined) return [401, { message: 'Unauthorized' }];
    if (exp <= now()) return [401, { message: 'The incoming token has expired' }];
    if (headers['x-app-key'] !== credentials.appKey) return [200, err('2001', 'Invalid App Key')];

    if (endpoint === 'create') {
      stats.creates += 1;
      for (const f of ['mode', 'payerReference', 'callbackURL', 'amount', 'currency', 'intent', 'merchantInvoiceNumber']) {
        if (typeof body[f] !== 'string' || body[f] === '') return [200, err('2065', `Mandatory field missing: ${f}`)];
      }
      if (body.mode !== '0011') return [200, err('2063', 'Mode is not valid as per request data')];
      let amountPoisha: number;
      try {
        amountPoisha = parseTakaAmount(body.amount as string);
      } catch {
        return [200, err('2006', 'Invalid amount')];
      }
      if (amountPoisha < minAmount || amountPoisha > maxAmount) return [200, err('2006', 'Invalid amount')];
      if (body.currency !== 'BDT') return [200, err('2007', 'Invalid currency')];
      if (body.intent !== 'sale') return [200, err('2008', 'Invalid intent')];
      const invoice = body.merchantInvoiceNumber as string;
      if (invoice.length > 255 || !/^[\x21-\x7e]+$/.test(invoice)) return [200, err('2031', 'Invalid merchant invoice number')];
      if ((body.payerReference as string).length > 255) return [200, err('2048', 'Invalid Payer Reference')];
      try {
        const cb = new URL(body.callbackURL as string);
        if (cb.protocol !== 'https:' && cb.protocol !== 'http:') throw new Error('scheme');
      } catch {
        return [200, err('2049', 'Invalid Merchant Callback URL')];
      }
      const paymentID = `TR0011${randomBytes(8).toString('hex').toUpperCase()}${Date.now().toString(36).toUpperCase()}`;
      const p: SimCheckout = {
        paymentID,
        amountPoisha,
        payerReference: body.payerReference as string,
        callbackURL: body.callbackURL as string,
        merchantInvoiceNumber: invoice,
        status: 'Initiated',
        createdAt: now(),
        customerMsisdn: null,
        trxID: null,
        executedAt: null,
        executeCalls: 0,
      };
      payments.set(paymentID, p);
      const cb = p.callbackURL;
      return [200, ok({
        paymentID,
        paymentCreateTime: executeTime(p.createdAt),
        transactionStatus: 'Initiated',
        amount: formatTakaAmount(amountPoisha),
        currency: 'BDT',
        intent: 'sale',
        merchantInvoiceNumber: invoice,
        bkashURL: `${url}/checkout/pay/${paymentID}`,
        callbackURL: cb,
        successCallbackURL: `${cb}${cb.includes('?') ? '&' : '?'}paymentID=${paymentID}&status=success`,
        failureCallbackURL: `${cb}${cb.includes('?') ? '&' : '?'}paymentID=${paymentID}&status=failure`,
        cancelledCallbackURL: `${cb}${cb.includes('?') ? '&' : '?'}paymentID=${paymentID}&status=cancel`,
      })];
    }

    const paymentID = typeof body.paymentID === 'string' ? body.paymentID : '';
    if (!paymentID) return [200, err('2065', 'Mandatory field missing: paymentID')];
    const p = payments.get(paymentID);
    if (!p) return [200, err('2002', 'Invalid Payment ID')];
    expireIfDue(p);
    if (endpoint === 'payment/status') {
      stats.queries += 1;
      return [200, queryView(p)];
    }
    // execute
    stats.executes += 1;
    p.executeCalls += 1;
    if (p.status === 'Completed') return [200, err('2117', 'Payment execution already been called before')];
    if (p.status === 'Cancelled') return [200, err('2056', 'Invalid Payment State')];
    if (p.status !== 'Authorized') return [200, err('2056', 'Invalid Payment State')];
    const payer = p.customerMsisdn!;
    if (balanceOf(payer) < p.amountPoisha) {
      p.status = 'Failed';
      return [200, err('2023', 'Insufficient Balance')];
    }
    balances.set(payer, balanceOf(payer) - p.amountPoisha);
    p.status = 'Completed';
    p.trxID = trxId();
    p.executedAt = now();
    transactions.push({ trxId: p.trxID, at: p.executedAt, type: 'Checkout Payment', sender: payer, receiver: shortCode, amountPoisha: p.amountPoisha, reference: p.payerReference, invoiceNumber: p.merchantInvoiceNumber, status: 'Completed' });
    if (opts.webhookUrl) {
      void sim
        .notify(opts.webhookUrl, { trxID: p.trxID, amountPoisha: p.amountPoisha, debitMSISDN: `88${payer}`, reference: p.payerReference, merchantInvoiceNumber: p.merchantInvoiceNumber, at: p.executedAt }, { record: false })
        .catch(() => undefined);
    }
    return [200, ok({
      paymentID: p.paymentID,
      customerMsisdn: payer,
      payerReference: p.payerReference,
      paymentExecuteTime: executeTime(p.executedAt),
      trxID: p.trxID,
      transactionStatus: 'Completed',
      amount: formatTakaAmount(p.amountPoisha),
      currency: 'BDT',
      intent: 'sale',
      merchantInvoiceNumber: p.merchantInvoiceNumber,
    })];
  }

  function redirectFor(p: SimCheckout, status: 'success' | 'failure' | 'cancel'): string {
    const sep = p.callbackURL.includes('?') ? '&' : '?';
    return `${p.callbackURL}${sep}paymentID=${encodeURIComponent(p.paymentID)}&status=${status}&signature=${randomBytes(10).toString('hex')}&apiVersion=1.2.0-beta`;
  }

  /** The payer's action on the bKash page: [redirect URL] or [null, error to show]. */
  function payerAction(paymentID: string, form: { action?: string; wallet?: string; otp?: string; pin?: string }): [string | null, string?] {
    const p = payments.get(paymentID);
    if (!p) return [null, 'Invalid Payment ID'];
    expireIfDue(p);
    if (p.status !== 'Initiated') return [null, `This payment is ${p.status}`];
    if (form.action === 'cancel') {
      p.status = 'Cancelled';
      return [redirectFor(p, 'cancel')];
    }
    const wallet = (form.wallet ?? '').replace(/\D/g, '').replace(/^880/, '0');
    if (!/^01[3-9]\d{8}$/.test(wallet)) return [null, 'Enter a bKash wallet number (01XXXXXXXXX)'];
    if (form.otp !== SIM_OTP) return [null, 'Wrong verification code'];
    if (form.pin !== SIM_PIN) {
      p.status = 'Failed';
      return [redirectFor(p, 'failure')];
    }
    p.customerMsisdn = wallet;
    p.status = 'Authorized';
    return [redirectFor(p, 'success')];
  }

  function page(p: SimCheckout | undefined, error?: string): string {
    if (!p) return '<!doctype html><meta charset="utf-8"><title>bKash</title><p>Invalid Payment ID</p>';
    return `<!doctype html><html lang="bn"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>bKash Payment (simulator)</title>
<body style="font-family:sans-serif;max-width:26rem;margin:2rem auto">
<h1 style="color:#e2136e">bKash</h1><p><b>Simulator</b>: not the real bKash.</p>
<p>Merchant: ${escapeHtml(opts.organizationName ?? 'Upazila Cooperative Office')} (${escapeHtml(shortCode)})<br>
Invoice: ${escapeHtml(p.merchantInvoiceNumber)}<br>Reference: ${escapeHtml(p.payerReference)}<br>
Amount: <b>৳${formatTakaAmount(p.amountPoisha)}</b><br>Status: ${escapeHtml(p.status)}</p>
${error ? `<p role="alert" style="color:#b00">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/checkout/pay/${encodeURIComponent(p.paymentID)}">
<label>Wallet <input name="wallet" inputmode="tel" value="01770618575"></label><br>
<label>Verification code (OTP ${SIM_OTP}) <input name="otp" value=""></label><br>
<label>PIN (${SIM_PIN}) <input name="pin" type="password" value=""></label><br>
<button name="action" value="approve">Confirm</button> <button name="action" value="cancel">Close</button>
</form></body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://sim');
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const endpoint = ENDPOINTS[u.pathname];
    if (endpoint) {
      if (req.method !== 'POST') return send(405, { message: 'Method Not Allowed' });
      const text = await readBody(req);
      const failure = failures.get(endpoint);
      if (failure) {
        failures.delete(endpoint);
        return send(failure.status, failure.body);
      }
      let body: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return send(200, err('2025', 'Invalid request body'));
      }
      const [status, answer] = api(endpoint, req.headers, body);
      const delay = delays.get(endpoint);
      if (delay) {
        delays.delete(endpoint);
        await new Promise((r) => setTimeout(r, delay));
        if (res.destroyed || req.socket.destroyed) return;
      }
      return send(status, answer);
    }
    const pay = /^\/checkout\/pay\/([A-Za-z0-9]+)$/.exec(u.pathname);
    if (pay) {
      const id = pay[1]!;
      if (req.method === 'GET') return send(payments.has(id) ? 200 : 404, page(payments.get(id)), 'text/html; charset=utf-8');
      if (req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
        const [redirect, error] = payerAction(id, form);
        if (redirect) {
          res.writeHead(302, { location: redirect });
          return void res.end();
        }
        return send(400, page(payments.get(id), error), 'text/html; charset=utf-8');
      }
    }
    if (u.pathname === `/sns/${CERT_FILE}`) return send(200, certificatePem, 'application/x-x509-ca-cert');
    if (u.pathname === '/sns/' && u.searchParams.get('Action') === 'ConfirmSubscription') {
      const token = u.searchParams.get('Token') ?? '';
      const topic = subscriptionTokens.get(token);
      if (!topic || topic !== u.searchParams.get('TopicArn')) return send(400, '<ErrorResponse><Error><Code>InvalidParameter</Code></Error></ErrorResponse>', 'text/xml');
      const arn = `${topic}:${randomUUID()}`;
      confirmedSubscriptions.push(arn);
      subscriptionTokens.delete(token);
      return send(200, `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>${arn}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`, 'text/xml');
    }
    if (u.pathname === '/statement.csv') {
      const from = Number(u.searchParams.get('from') ?? 0);
      const to = Number(u.searchParams.get('to') ?? Number.MAX_SAFE_INTEGER);
      return send(200, sim.merchantStatement(from, to).csv, 'text/csv; charset=utf-8');
    }
    return send(404, { message: 'Not Found' });
  }

  function signEnvelope(m: Omit<SnsMessage, 'Signature'>, key: KeyObject): SnsMessage {
    const signature = sign(m.SignatureVersion === '1' ? 'sha1' : 'sha256', Buffer.from(stringToSign(m as SnsMessage), 'utf8'), key).toString('base64');
    return { ...m, Signature: signature } as SnsMessage;
  }

  async function post(webhookUrl: string, envelope: SnsMessage): Promise<NotifyResult> {
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': envelope.Type,
        'x-amz-sns-message-id': envelope.MessageId,
        'x-amz-sns-topic-arn': envelope.TopicArn,
        ...(envelope.Type === 'Notification' ? { 'x-amz-sns-subscription-arn': `${envelope.TopicArn}:${randomUUID()}` } : {}),
        'user-agent': 'Amazon Simple Notification Service Agent',
      },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.text(), serverTiming: res.headers.get('server-timing'), envelope };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: (e as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;

  const sim: BkashSimulator = {
    url,
    credentials,
    shortCode,
    topicArn,
    region,
    signingCertUrl,
    certificatePem,
    certFetcher: (() => {
      const inner = simulatorCertFetcher(url);
      return async (certUrl: string) => {
        if (certUrl !== signingCertUrl) throw new Error(`the simulator does not publish ${certUrl}`);
        return inner(certUrl);
      };
    })(),
    subscriptionFetcher: simulatorSubscriptionFetcher(url),
    stats,
    payments,
    transactions,
    confirmedSubscriptions,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    setBalance: (msisdn, poisha) => void balances.set(msisdn.replace(/^880/, '0'), poisha),
    expireTokens: () => {
      for (const k of idTokens.keys()) idTokens.set(k, now() - 1);
    },
    delayNext: (endpoint, ms) => void delays.set(endpoint, ms),
    failNext: (endpoint, status, body) => void failures.set(endpoint, { status, body }),
    async approve(paymentID, payer = {}) {
      const [redirect, error] = payerAction(paymentID, { action: 'approve', wallet: payer.wallet ?? '01770618575', otp: payer.otp ?? SIM_OTP, pin: payer.pin ?? SIM_PIN });
      if (!redirect) throw new Error(error);
      return redirect;
    },
    async cancel(paymentID) {
      const [redirect, error] = payerAction(paymentID, { action: 'cancel' });
      if (!redirect) throw new Error(error);
      return redirect;
    },
    async notify(webhookUrl, payment, o = {}) {
      const envelope = sim.signedNotification(payment, o);
      const results: NotifyResult[] = [];
      for (let i = 0; i < Math.max(1, o.repeat ?? 1); i++) results.push(await post(webhookUrl, envelope));
      return results;
    },
    deliver: post,
    signedNotification(payment, o = {}) {
      const at = payment.at ?? now();
      let amount: string;
      if (payment.amount !== undefined) amount = payment.amount;
      else if (payment.amountPoisha !== undefined) amount = formatTakaAmount(payment.amountPoisha);
      else throw new AmountError('notify needs amountPoisha or amount');
      const trx = payment.trxID ?? trxId();
      const message: Record<string, string> = {
        dateTime: formatBkashDateTime(at),
        debitMSISDN: payment.debitMSISDN,
        creditOrganizationName: opts.organizationName ?? 'Upazila Cooperative Office',
        creditShortCode: payment.creditShortCode ?? shortCode,
        trxID: trx,
        transactionStatus: payment.transactionStatus ?? 'Completed',
        transactionType: '1003',
        amount,
        currency: payment.currency ?? 'BDT',
        transactionReference: payment.reference ?? '',
      };
      if (payment.merchantInvoiceNumber) message.merchantInvoiceNumber = payment.merchantInvoiceNumber;
      const staleMs = o.stale === true ? 2 * 3_600_000 : typeof o.stale === 'number' ? o.stale : 0;
      const topic = o.wrongTopic ? `arn:aws:sns:${region}:123456789012:bkash-payment-01999999999` : topicArn;
      const unsigned: Omit<SnsMessage, 'Signature'> = {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topic,
        ...(o.subject !== undefined ? { Subject: o.subject } : {}),
        Message: JSON.stringify(message),
        Timestamp: new Date(now() - staleMs).toISOString(),
        SignatureVersion: o.signatureVersion ?? '1',
        SigningCertURL: signingCertUrl,
        UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topic}:${randomUUID()}`,
      };
      let envelope = signEnvelope(unsigned, privateKey);
      if (o.tamper) envelope = { ...envelope, Message: JSON.stringify({ ...message, amount: '99999.00' }) };
      const genuine = !o.tamper && !o.wrongTopic;
      if ((o.record ?? genuine) && message.transactionStatus === 'Completed' && (payment.amountPoisha !== undefined || /^\d+(\.\d{1,2})?$/.test(amount))) {
        if (!transactions.some((t) => t.trxId === trx)) {
          const sender = payment.debitMSISDN.replace(/^\+?880/, '0');
          transactions.push({ trxId: trx, at, type: 'Merchant Payment', sender, receiver: message.creditShortCode!, amountPoisha: payment.amountPoisha ?? parseTakaAmount(amount), reference: payment.reference ?? '', invoiceNumber: payment.merchantInvoiceNumber ?? '', status: 'Completed' });
        }
      }
      return envelope;
    },
    async subscribe(webhookUrl, o = {}) {
      const token = randomBytes(32).toString('hex');
      subscriptionTokens.set(token, topicArn);
      const envelope = signEnvelope(
        {
          Type: 'SubscriptionConfirmation',
          MessageId: randomUUID(),
          Token: token,
          TopicArn: topicArn,
          Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: `https://sns.${region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`,
          Timestamp: new Date(now()).toISOString(),
          SignatureVersion: o.signatureVersion ?? '1',
          SigningCertURL: signingCertUrl,
        },
        privateKey,
      );
      return post(webhookUrl, envelope);
    },
    merchantStatement(from, to) {
      const rows = transactions.filter((t) => t.at >= from && t.at < to).sort((a, b) => a.at - b.at);
      return { csv: formatStatementCsv(rows), rows };
    },
  };
  return sim;
}

