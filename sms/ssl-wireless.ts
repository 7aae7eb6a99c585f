// SSL Wireless ISMS Plus, API v3 (JSON). One message per POST {base}/api/v3/send-sms with our
// csms_id; the gateway refuses a csms_id it has already seen, which is what makes a resend after a
// crash harmless. The numeric error codes are not all public: failures are classified by the
// top-level status and the wording of error_message / status_message, codes only where known.
import {
  fetchWithTimeout,
  readJson,
  SmsConfigError,
  SmsInsufficientBalanceError,
  SmsServerError,
  SmsThrottledError,
  toMsisdn,
  type DeliveryState,
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
    async deliveryStatus(ref): Promise<DeliveryState> {
      const url = new URL(`${base}${opts.statusPath ?? '/api/v3/dlr-status'}`);
      url.searchParams.set('api_token', opts.apiToken);
      url.searchParams.set('sid', opts.sid);
      url.searchParams.set('csms_id', sslCsmsId(ref.clientMessageId));
      const res = await fetchWithTimeout(url.toString(), { headers: { accept: 'application/json' } }, timeoutMs, who);
      const json = await readJson<SslResponse>(res, who);
      if (json.status !== 'SUCCESS') {
        if (/not\s*found|no\s*(data|record|sms)/i.test(json.error_message ?? '')) return 'unknown';
        throwIfAccountProblem(json.error_message ?? '', json.status_code);
        throw new SmsServerError(`${who}: status look-up failed: ${json.error_message ?? json.status_code}`);
      }
      const info = json.smsinfo?.[0];
      const s = (info?.sms_status ?? '').toUpperCase();
      if (s === 'DELIVERED') return 'delivered';
      if (s === 'FAILED' || s === 'UNDELIVERED' || s === 'REJECTED') return 'failed';
      return info ? 'accepted' : 'unknown';
    },
  };
}

/** Turns a send answer into a result, or throws when the fault is ours or temporary. */
export function interpretSslSend(json: SslResponse, csmsId: string): SendResult {
  const info = json.smsinfo?.[0];
  if (json.status === 'SUCCESS' && Number(json.status_code) === 200 && (!info || info.sms_status === 'SUCCESS')) {
    return { providerMessageId: info?.reference_id ?? null, status: 'accepted' };
  }
  const reason = [json.error_message, info?.status_message].filter(Boolean).join('; ') || `status_code ${json.status_code}`;
  // The gateway already has this csms_id: an earlier attempt reached it, so this message is sent.
  if (/duplicate|already\s*(exist|used|sent)/i.test(reason) && /csms/i.test(reason)) {
    return { providerMessageId: info?.reference_id ?? `csms:${csmsId}`, status: 'accepted', reason: 'duplicate csms_id: already accepted earlier' };
  }
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
