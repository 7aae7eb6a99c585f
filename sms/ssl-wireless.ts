// SSL Wireless ISMS Plus, API v3 (JSON). One message per POST {base}/api/v3/send-sms with our
// csms_id; the gateway refuses a csms_id it has already seen, which is what makes a resend after a
// crash harmless — within the same day only (csms_id is unique per day), so activities.ts does not
// lean on it for an attempt made on an earlier Dhaka date. Failures are classified by status_code
// (SSL_CODES below), else by the wording of error_message / status_message.
import {
  fetchWithTimeout,
  readJson,
  SmsConfigError,
  SmsInsufficientBalanceError,
  SmsServerError,
  SmsThrottledError,
  toMsisdn,
  type DeliveryStatus,
  type SendRequest,
  type SendResult,
  type SmsProvider,
} from './provider';

export interface SslWirelessOptions {
  baseUrl: string; // e.g. https://smsplus.sslwireless.com
  apiToken: string;
  sid: string;
  timeoutMs?: number;
  /** Path of the status look-up by csms_id; check it against the API document of your account. */
  statusPath?: string;
}

export interface SslSmsInfo {
  sms_status?: string;
  status_message?: string;
  msisdn?: string;
  sms_type?: string;
  sms_body?: string;
  csms_id?: string;
  reference_id?: string;
}

export interface SslResponse {
  status: 'SUCCESS' | 'FAILED' | string;
  status_code: number | string;
  error_message?: string | null;
  smsinfo?: SslSmsInfo[];
}

/** csms_id must be unique per message on the account and short; the outbox id gives exactly that. */
export function sslCsmsId(clientMessageId: string): string {
  return clientMessageId.slice(0, 20);
}

export function createSslWirelessProvider(opts: SslWirelessOptions): SmsProvider {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const who = 'ssl-wireless';
  return {
    name: 'ssl-wireless',
    dedupesClientIds: true,
    dedupesSameDayOnly: true,
    async send(req: SendRequest): Promise<SendResult> {
      const msisdn = toMsisdn(req.to);
      if (!msisdn) return { providerMessageId: null, status: 'rejected', permanent: true, reason: `invalid mobile number ${req.to}` };
      const csmsId = sslCsmsId(req.clientMessageId);
      const res = await fetchWithTimeout(
        `${base}/api/v3/send-sms`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ api_token: opts.apiToken, sid: opts.sid, msisdn, sms: req.body, csms_id: csmsId }),
        },
        timeoutMs,
        who,
      );
      const json = await readJson<SslResponse>(res, who);
      return interpretSslSend(json, csmsId);
    },
    async deliveryStatus(ref): Promise<DeliveryStatus> {
      const url = new URL(`${base}${opts.statusPath ?? '/api/v3/dlr-status'}`);
      url.searchParams.set('api_token', opts.apiToken);
      url.searchParams.set('sid', opts.sid);
      url.searchParams.set('csms_id', sslCsmsId(ref.clientMessageId));
      const res = await fetchWithTimeout(url.toString(), { headers: { accept: 'application/json' } }, timeoutMs, who);
      const json = await readJson<SslResponse>(res, who);
      if (json.status !== 'SUCCESS') {
        if (/not\s*found|no\s*(data|record|sms)/i.test(json.error_message ?? '')) return { state: 'unknown', providerMessageId: null };
        throwIfAccountProblem(json.error_message ?? '', json.status_code);
        throw new SmsServerError(`${who}: status look-up failed: ${json.error_message ?? json.status_code}`);
      }
      const info = json.smsinfo?.[0];
      const s = (info?.sms_status ?? '').toUpperCase();
      const providerMessageId = info?.reference_id || null;
      if (s === 'DELIVERED') return { state: 'delivered', providerMessageId };
      if (s === 'FAILED' || s === 'UNDELIVERED' || s === 'REJECTED') return { state: 'failed', providerMessageId };
      return { state: info ? 'accepted' : 'unknown', providerMessageId };
    },
  };
}

/**
 * The v3 status codes. SSL publishes its API document behind the customer login; this is the code
 * table as reproduced publicly by integrators (and spoken by sms/simulator.ts). Codes not listed
 * here are classified by the wording of error_message / status_message.
 */
export const SSL_CODES: Record<number, { meaning: string; kind: 'config' | 'message' | 'number' | 'duplicate' | 'balance' | 'throttled' | 'server' }> = {
  4001: { meaning: 'Unauthorized: invalid API token', kind: 'config' },
  4002: { meaning: 'SID/stakeholder not permitted', kind: 'config' },
  4003: { meaning: 'IP address is blacklisted (not whitelisted)', kind: 'config' },
  4004: { meaning: 'Invalid endpoint URL', kind: 'config' },
  4005: { meaning: 'Invalid request format', kind: 'config' },
  4020: { meaning: 'Invalid CSMS ID', kind: 'message' },
  4022: { meaning: 'Required parameter is missing', kind: 'message' },
  4023: { meaning: 'Duplicate CSMS ID', kind: 'duplicate' },
  4025: { meaning: 'Invalid MSISDN', kind: 'number' },
  4026: { meaning: 'MSISDN is blocked', kind: 'number' },
  4027: { meaning: 'Message length exceeded', kind: 'message' },
  4028: { meaning: 'Invalid message data', kind: 'message' },
  4029: { meaning: 'Too many requests', kind: 'throttled' },
  4030: { meaning: 'Account limit exceeded', kind: 'balance' },
  4031: { meaning: 'TPS limit exceeded', kind: 'throttled' },
  5000: { meaning: 'Unknown server error', kind: 'server' },
};

/** Turns a send answer into a result, or throws when the fault is ours or temporary. */
export function interpretSslSend(json: SslResponse, csmsId: string): SendResult {
  const info = json.smsinfo?.[0];
  const code = Number(json.status_code);
  if (json.status === 'SUCCESS' && code === 200 && (!info || info.sms_status === 'SUCCESS')) {
    return { providerMessageId: info?.reference_id ?? null, status: 'accepted' };
  }
  const reason = [json.error_message, info?.status_message].filter(Boolean).join('; ') || `status_code ${json.status_code}`;
  const already: SendResult = { providerMessageId: info?.reference_id || `csms:${csmsId}`, status: 'accepted', reason: 'duplicate csms_id: already accepted earlier' };
  // The gateway already has this csms_id: an earlier attempt reached it, so this message is sent.
  if ((info?.sms_status ?? '').toUpperCase() === 'DUPLICATE') return already;
  const known = SSL_CODES[code];
  if (known) {
    const why = `${code} ${known.meaning}${reason && !reason.startsWith('status_code') ? `: ${reason}` : ''}`;
    switch (known.kind) {
      case 'duplicate':
        return already;
      case 'config':
        throw new SmsConfigError(`ssl-wireless: ${why}`);
      case 'balance':
        throw new SmsInsufficientBalanceError(`ssl-wireless: ${why}`);
      case 'throttled':
        throw new SmsThrottledError(`ssl-wireless: ${why}`);
      case 'server':
        throw new SmsServerError(`ssl-wireless: ${why}`);
      case 'number':
        return { providerMessageId: null, status: 'rejected', permanent: true, reason: why };
      case 'message':
        return { providerMessageId: null, status: 'rejected', permanent: false, reason: why };
    }
  }
  if (/duplicate|already\s*(exist|used|sent)/i.test(reason) && /csms/i.test(reason)) return already;
  throwIfAccountProblem(reason, json.status_code);
  if (/invalid\s*(msisdn|mobile|number)|msisdn.*invalid|blocked|blacklist(ed)?\s*(msisdn|number)|dnd|do\s*not\s*disturb/i.test(reason)) {
    return { providerMessageId: null, status: 'rejected', permanent: true, reason };
  }
  return { providerMessageId: null, status: 'rejected', permanent: false, reason };
}

function throwIfAccountProblem(reason: string, code: number | string): void {
  if (/balance|credit/i.test(reason)) throw new SmsInsufficientBalanceError(`ssl-wireless: ${reason}`);
  if (/throttl|too\s*many|rate\s*limit|tps/i.test(reason)) throw new SmsThrottledError(`ssl-wireless: ${reason}`);
  if (/unauthori[sz]ed|api[_\s]*token|invalid\s*sid|\bsid\b|ip\b.*(whitelist|blacklist|not\s*allowed)|inactive|expired|masking/i.test(reason)) {
    throw new SmsConfigError(`ssl-wireless: ${reason} (code ${code})`);
  }
}
