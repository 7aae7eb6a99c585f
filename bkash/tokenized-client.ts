// bKash tokenized checkout (payment gateway, API v1.2.0-beta), the second way a merchant account takes
// money: we create a payment, the payer approves it on bKash's page (wallet, OTP, PIN), bKash sends the
// payer's browser back to our callbackURL?paymentID=…&status=success|failure|cancel, and we execute it.
//
//   POST {base}/tokenized/checkout/token/grant    headers username, password; body app_key, app_secret
//   POST {base}/tokenized/checkout/token/refresh  … plus refresh_token
//   POST {base}/tokenized/checkout/create         headers Authorization: <id_token>, X-App-Key
//   POST {base}/tokenized/checkout/execute        { paymentID }
//   POST {base}/tokenized/checkout/payment/status { paymentID }   ("query payment")
//
// bKash answers HTTP 200 with { statusCode: "0000", statusMessage: "Successful", … } on success and a
// non-"0000" statusCode with a statusMessage on a business error (older endpoints: errorCode /
// errorMessage); its API gateway answers 401/403 { message } for a missing or expired token.
//
// The callback's query string is typed by whoever holds the browser: `status=success` proves nothing.
// A payment counts only when bKash's own execute or query answer says transactionStatus "Completed"
// with a trxID (`completeCheckout`). bKash's guidance is the same: if execute does not answer in time,
// or says it was already executed, ask with query payment instead of executing again.
import type { EpochMs, Poisha } from '../domain/types';
import { AmountError, formatTakaAmount, parseTakaAmount } from './amount';
import type { PaymentProvider, ProviderDelivery, ProviderOutcome, ReceivedPayment } from './payment-provider';

export const BKASH_SANDBOX_BASE_URL = 'https://tokenized.sandbox.bka.sh/v1.2.0-beta';
export const BKASH_PRODUCTION_BASE_URL = 'https://tokenized.pay.bka.sh/v1.2.0-beta';

export interface TokenizedConfig {
  /** e.g. BKASH_SANDBOX_BASE_URL, or the simulator's url. No trailing slash needed. */
  baseUrl: string;
  username: string;
  password: string;
  appKey: string;
  appSecret: string;
  /** Per-call timeout (default 30 s, bKash's own guidance for execute). */
  timeoutMs?: number;
  /** Renew the id_token this long before it expires (default 5 minutes, at most half its life). */
  refreshMarginMs?: number;
  now?: () => number;
  fetchImpl?: typeof fetch;
}

export type BkashErrorCategory =
  | 'auth' // credentials, app key, missing or expired token
  | 'payer' // the payer's wallet said no: balance, PIN, limits; final for this payment
  | 'already_executed' // execute called before / payment already completed: query instead
  | 'invalid_state' // the payment is not in a state for this call (not approved, cancelled, expired)
  | 'cancelled'
  | 'invalid_request' // our request is wrong: amount, currency, invoice, callback URL, unknown paymentID
  | 'server' // bKash failed or is under maintenance; retry later
  | 'timeout'
  | 'network'
  | 'protocol'; // an answer we cannot read

/** bKash tokenized statusCodes as published in its developer documentation (the ones that matter here). */
export const BKASH_ERROR_CODES: Record<string, { message: string; category: BkashErrorCategory }> = {
  '2001': { message: 'Invalid App Key', category: 'auth' },
  '2002': { message: 'Invalid Payment ID', category: 'invalid_request' },
  '2003': { message: 'Process failed', category: 'server' },
  '2006': { message: 'Invalid amount', category: 'invalid_request' },
  '2007': { message: 'Invalid currency', category: 'invalid_request' },
  '2008': { message: 'Invalid intent', category: 'invalid_request' },
  '2009': { message: 'Invalid Wallet', category: 'payer' },
  '2011': { message: 'Invalid PIN', category: 'payer' },
  '2014': { message: 'Wrong PIN', category: 'payer' },
  '2015': { message: 'Wrong PIN count exceeded', category: 'payer' },
  '2018': { message: 'OTP verification time expired', category: 'payer' },
  '2019': { message: 'PIN verification time expired', category: 'payer' },
  '2020': { message: 'Exception Occurred', category: 'server' },
  '2023': { message: 'Insufficient Balance', category: 'payer' },
  '2024': { message: 'Exception occurred', category: 'server' },
  '2025': { message: 'Invalid request body', category: 'invalid_request' },
  '2029': { message: 'Duplicate for all transactions', category: 'invalid_request' },
  '2031': { message: 'Invalid merchant invoice number', category: 'invalid_request' },
  '2033': { message: 'Transaction not found', category: 'invalid_request' },
  '2037': { message: 'The account of the debit party is in a state which prohibits execution of this transaction', category: 'payer' },
  '2045': { message: 'The MSISDN of the customer does not exist', category: 'payer' },
  '2048': { message: 'Invalid Payer Reference', category: 'invalid_request' },
  '2049': { message: 'Invalid Merchant Callback URL', category: 'invalid_request' },
  '2056': { message: 'Invalid Payment State', category: 'invalid_state' },
  '2057': { message: 'Not a bKash Wallet', category: 'payer' },
  '2058': { message: 'Not a Customer Wallet', category: 'payer' },
  '2060': { message: 'Payment execution pre-requisite hasn\'t been met', category: 'invalid_state' },
  '2062': { message: 'The payment has already been completed', category: 'already_executed' },
  '2063': { message: 'Mode is not valid as per request data', category: 'invalid_request' },
  '2065': { message: 'Mandatory field missing', category: 'invalid_request' },
  '2068': { message: 'Transaction has already been completed', category: 'already_executed' },
  '2069': { message: 'Transaction has already been cancelled', category: 'cancelled' },
  '2117': { message: 'Payment execution already been called before', category: 'already_executed' },
  '9999': { message: 'System Error', category: 'server' },
};

export class BkashApiError extends Error {
  override name = 'BkashApiError';
  constructor(
    readonly endpoint: string,
    readonly category: BkashErrorCategory,
    /** bKash's statusCode (or errorCode), when it gave one. */
    readonly code: string | null,
    readonly statusMessage: string,
    readonly httpStatus: number | null,
  ) {
    super(`bKash ${endpoint}: ${code ? `${code} ` : ''}${statusMessage}`);
  }
  /** Worth trying again later with the same request. */
  get retryable(): boolean {
    return this.category === 'server' || this.category === 'timeout' || this.category === 'network';
  }
}

export interface TokenSet {
  idToken: string;
  refreshToken: string;
  issuedAt: EpochMs;
  expiresAt: EpochMs;
}

export interface CreatePaymentInput {
  amountPoisha: Poisha;
  /** Shown to the payer and returned by execute/query; Asrayon puts the loan code here. */
  payerReference: string;
  callbackURL: string;
  /** Our unique id for this attempt. */
  merchantInvoiceNumber: string;
}

export interface CreatedPayment {
  paymentID: string;
  bkashURL: string;
  amountPoisha: Poisha;
  transactionStatus: string;
  raw: Record<string, unknown>;
}

export interface PaymentState {
  paymentID: string;
  /** "Initiated", "Completed", "Cancelled", "Failed", "Expired", … */
  transactionStatus: string;
  trxID: string | null;
  amountPoisha: Poisha | null;
  payerReference: string | null;
  customerMsisdn: string | null;
  merchantInvoiceNumber: string | null;
  paymentExecuteTime: EpochMs | null;
  raw: Record<string, unknown>;
}

export type CheckoutOutcome =
  | { status: 'completed'; payment: ReceivedPayment; via: 'execute' | 'query' }
  | { status: 'not_completed'; transactionStatus: string; reason: string; error?: BkashApiError }
  | { status: 'unknown'; reason: string; error?: BkashApiError };

/** "2022-03-06T20:36:10:720 GMT+0600" (bKash's format) or any ISO 8601 → epoch ms; null if unreadable. */
export function parseBkashExecuteTime(text: unknown): EpochMs | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[:.](\d{1,3}))? GMT([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = Number((m[7] ?? '0').padEnd(3, '0'));
    const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000;
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset;
  }
  const iso = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(iso) ? null : iso;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export class TokenizedClient {
  private tokens: TokenSet | null = null;
  private pending: Promise<TokenSet> | null = null;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly base: string;
  /** How many grants and refreshes this client has made (for tests and metrics). */
  readonly stats = { grants: 0, refreshes: 0 };

  constructor(private readonly cfg: TokenizedConfig) {
    this.now = cfg.now ?? Date.now;
    this.fetchImpl = cfg.fetchImpl ?? fetch;
    this.base = cfg.baseUrl.replace(/\/+$/, '');
  }

  private async call(endpoint: string, path: string, headers: Record<string, string>, body: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs ?? this.cfg.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new BkashApiError(endpoint, 'timeout', null, `no answer within ${timeoutMs ?? this.cfg.timeoutMs ?? 30_000} ms`, null);
      throw new BkashApiError(endpoint, 'network', null, e.message, null);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      throw new BkashApiError(endpoint, e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'network', null, `answer cut off: ${e.message}`, res.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BkashApiError(endpoint, res.status >= 500 ? 'server' : 'protocol', null, `HTTP ${res.status}, not JSON`, res.status);
    }
    const obj = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    if (res.status === 401 || res.status === 403) throw new BkashApiError(endpoint, 'auth', null, str(obj.message) ?? `HTTP ${res.status}`, res.status);
    if (res.status >= 500) throw new BkashApiError(endpoint, 'server', str(obj.statusCode), str(obj.statusMessage) ?? str(obj.message) ?? `HTTP ${res.status}`, res.status);
    const code = str(obj.statusCode) ?? str(obj.errorCode);
    if (code !== null && code !== '0000') {
      const known = BKASH_ERROR_CODES[code];
      throw new BkashApiError(endpoint, known?.category ?? 'invalid_request', code, str(obj.statusMessage) ?? str(obj.errorMessage) ?? known?.message ?? 'unknown error', res.status);
    }
    if (res.status < 200 || res.status > 299) throw new BkashApiError(endpoint, 'invalid_request', null, str(obj.message) ?? `HTTP ${res.status}`, res.status);
    return obj;
  }

  private toTokens(endpoint: string, r: Record<string, unknown>, previousRefresh?: string): TokenSet {
    const idToken = str(r.id_token);
    const expiresIn = Number(r.expires_in);
    if (!idToken || !Number.isFinite(expiresIn) || expiresIn <= 0) throw new BkashApiError(endpoint, 'protocol', null, 'no id_token / expires_in in the answer', 200);
    const issuedAt = this.now();
    return { idToken, refreshToken: str(r.refresh_token) ?? previousRefresh ?? '', issuedAt, expiresAt: issuedAt + expiresIn * 1000 };
  }

  /** POST /tokenized/checkout/token/grant. Prefer `idToken()`, which caches. */
  async grantToken(): Promise<TokenSet> {
    this.stats.grants += 1;
    const r = await this.call('token/grant', '/tokenized/checkout/token/grant', { username: this.cfg.username, password: this.cfg.password }, { app_key: this.cfg.appKey, app_secret: this.cfg.appSecret });
    return this.toTokens('token/grant', r);
  }

  /** POST /tokenized/checkout/token/refresh. */
  async refreshToken(refreshToken: string): Promise<TokenSet> {
    this.stats.refreshes += 1;
    const r = await this.call('token/refresh', '/tokenized/checkout/token/refresh', { username: this.cfg.username, password: this.cfg.password }, { app_key: this.cfg.appKey, app_secret: this.cfg.appSecret, refresh_token: refreshToken });
    return this.toTokens('token/refresh', r, refreshToken);
  }

  private fresh(t: TokenSet): boolean {
    const life = t.expiresAt - this.now();
    const margin = Math.min(this.cfg.refreshMarginMs ?? 300_000, (t.expiresAt - t.issuedAt) / 2);
    return life > margin;
  }

  /** A valid id_token: cached; renewed (refresh, else grant) before it expires; one request for a concurrent burst. */
  async idToken(): Promise<string> {
    const current: TokenSet | null = this.tokens;
    if (current && this.fresh(current)) return current.idToken;
    if (!this.pending) {
      const old = current;
      this.pending = (async () => {
        // bKash refresh tokens outlive id_tokens: refresh while we hold one, else (or if refused) grant.
        if (old?.refreshToken) {
          try {
            return await this.refreshToken(old.refreshToken);
          } catch (err) {
            if (err instanceof BkashApiError && err.retryable) throw err;
          }
        }
        return this.grantToken();
      })()
        .then((t) => {
          this.tokens = t;
          return t;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return (await this.pending).idToken;
  }

  /** Stop using the cached id_token (after bKash refused it); its refresh token is still tried first. */
  invalidateToken(): void {
    if (this.tokens) this.tokens = { ...this.tokens, expiresAt: this.tokens.issuedAt };
  }

  private async authed(endpoint: string, path: string, body: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.idToken();
      try {
        return await this.call(endpoint, path, { authorization: token, 'x-app-key': this.cfg.appKey }, body, timeoutMs);
      } catch (err) {
        // An id_token refused by the gateway (expired early, revoked): renew once and try again.
        if (attempt === 0 && err instanceof BkashApiError && err.category === 'auth' && err.httpStatus !== 200 && this.tokens?.idToken === token) {
          this.invalidateToken();
          continue;
        }
        throw err;
      }
    }
  }

  /** POST /tokenized/checkout/create (mode 0011: checkout without agreement). */
  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    if (!Number.isSafeInteger(input.amountPoisha) || input.amountPoisha <= 0) throw new AmountError(`amountPoisha must be a positive whole number, got ${input.amountPoisha}`);
    const r = await this.authed('create', '/tokenized/checkout/create', {
      mode: '0011',
      payerReference: input.payerReference,
      callbackURL: input.callbackURL,
      amount: formatTakaAmount(input.amountPoisha),
      currency: 'BDT',
      intent: 'sale',
      merchantInvoiceNumber: input.merchantInvoiceNumber,
    });
    const paymentID = str(r.paymentID);
    const bkashURL = str(r.bkashURL);
    if (!paymentID || !bkashURL) throw new BkashApiError('create', 'protocol', null, 'no paymentID / bkashURL in the answer', 200);
    return { paymentID, bkashURL, amountPoisha: input.amountPoisha, transactionStatus: str(r.transactionStatus) ?? 'Initiated', raw: r };
  }

  private toState(endpoint: string, paymentID: string, r: Record<string, unknown>): PaymentState {
    let amountPoisha: number | null = null;
    if (r.amount !== undefined && r.amount !== null && r.amount !== '') {
      try {
        amountPoisha = parseTakaAmount(String(r.amount), 'amount', { allowZero: true });
      } catch (err) {
        throw new BkashApiError(endpoint, 'protocol', null, (err as Error).message, 200);
      }
    }
    return {
      paymentID: str(r.paymentID) ?? paymentID,
      transactionStatus: str(r.transactionStatus) ?? 'Unknown',
      trxID: str(r.trxID),
      amountPoisha,
      payerReference: str(r.payerReference),
      customerMsisdn: str(r.customerMsisdn) ?? str(r.payerAccount),
      merchantInvoiceNumber: str(r.merchantInvoiceNumber),
      paymentExecuteTime: parseBkashExecuteTime(r.paymentExecuteTime),
      raw: r,
    };
  }

  /** POST /tokenized/checkout/execute. Throws BkashApiError (already_executed for 2117/2062/2068). */
  async executePayment(paymentID: string, opts: { timeoutMs?: number } = {}): Promise<PaymentState> {
    return this.toState('execute', paymentID, await this.authed('execute', '/tokenized/checkout/execute', { paymentID }, opts.timeoutMs));
  }

  /** POST /tokenized/checkout/payment/status ("query payment"): bKash's word on a payment. */
  async queryPayment(paymentID: string, opts: { timeoutMs?: number } = {}): Promise<PaymentState> {
    return this.toState('payment/status', paymentID, await this.authed('payment/status', '/tokenized/checkout/payment/status', { paymentID }, opts.timeoutMs));
  }

  /**
   * What to call when the payer's browser returns to the callback URL, whatever its `status` says:
   * execute; if execute times out, fails in transit, or says the payment was already executed or
   * completed, query instead. Only a "Completed" answer with a trxID from bKash is a payment.
   */
  async completeCheckout(paymentID: string, account: string): Promise<CheckoutOutcome> {
    let state: PaymentState;
    let via: 'execute' | 'query' = 'execute';
    try {
      state = await this.executePayment(paymentID);
    } catch (err) {
      if (!(err instanceof BkashApiError)) throw err;
      if (err.category === 'auth' || err.category === 'invalid_request' || err.category === 'protocol') {
        return err.category === 'invalid_request' ? { status: 'not_completed', transactionStatus: 'Unknown', reason: err.message, error: err } : { status: 'unknown', reason: err.message, error: err };
      }
      // timeout / network / server: execute may have gone through. already_executed: it did, earlier.
      // payer / invalid_state / cancelled: ask what became of it, so the answer is bKash's final word.
      try {
        state = await this.queryPayment(paymentID);
        via = 'query';
      } catch (qErr) {
        if (qErr instanceof BkashApiError) return { status: 'unknown', reason: `execute: ${err.message}; query: ${qErr.message}`, error: qErr };
        throw qErr;
      }
      if (state.transactionStatus !== 'Completed') return { status: state.transactionStatus === 'Initiated' && err.retryable ? 'unknown' : 'not_completed', transactionStatus: state.transactionStatus, reason: err.message, error: err } as CheckoutOutcome;
    }
    if (state.transactionStatus !== 'Completed' || !state.trxID || state.amountPoisha === null || state.amountPoisha <= 0) {
      return { status: 'not_completed', transactionStatus: state.transactionStatus, reason: `bKash says transactionStatus "${state.transactionStatus}"${state.trxID ? '' : ' without a trxID'}` };
    }
    const payment: ReceivedPayment = {
      trxId: state.trxID,
      amountPoisha: state.amountPoisha,
      paidAt: state.paymentExecuteTime ?? this.now(),
      payerMsisdn: state.customerMsisdn,
      reference: state.payerReference,
      creditShortCode: account,
      provider: 'bkash',
      channel: 'checkout',
      raw: state.raw,
    };
    if (state.merchantInvoiceNumber) payment.merchantInvoiceNumber = state.merchantInvoiceNumber;
    return { status: 'completed', payment, via };
  }
}

/** The checkout way as a PaymentProvider: a callback delivery is completed with bKash, never trusted. */
export function checkoutProvider(client: TokenizedClient, account: string): PaymentProvider {
  return {
    method: 'checkout',
    account,
    async receive(delivery: ProviderDelivery): Promise<ProviderOutcome> {
      if (delivery.kind !== 'checkout-callback') return { kind: 'rejected', code: 'wrong_delivery', reason: 'checkout takes callback deliveries only' };
      if (!/^[A-Za-z0-9_-]{4,64}$/.test(delivery.paymentID)) return { kind: 'rejected', code: 'bad_payment_id', reason: 'paymentID is missing or malformed' };
      // Cancelled or failed on bKash's page: nothing to execute, and nothing to trust either way; a
      // query confirms it was not completed.
      const o = await client.completeCheckout(delivery.paymentID, account);
      if (o.status === 'completed') return { kind: 'payment', payment: o.payment };
      if (o.status === 'not_completed') return { kind: 'ignored', code: `not_completed:${o.transactionStatus}`, reason: o.reason };
      return { kind: 'retry', code: o.error?.category ?? 'unknown', reason: o.reason };
    },
  };
}
