// BulkSMSBD (bulksmsbd.net): {base}/api/smsapi with api_key, type, number (880…), senderid, message,
// answered with { response_code, success_message, error_message }. It has no client message id, so
// a resend after an unknown outcome may deliver twice (see activities.ts for how that is handled).
import {
  fetchWithTimeout,
  readJson,
  SmsConfigError,
  SmsInsufficientBalanceError,
  SmsServerError,
  toMsisdn,
  type SendRequest,
  type SendResult,
  type SmsProvider,
} from './provider';

export interface BulkSmsBdOptions {
  baseUrl: string; // e.g. http://bulksmsbd.net
  apiKey: string;
  senderId: string;
  timeoutMs?: number;
}

export interface BulkSmsBdResponse {
  response_code: number | string;
  message_id?: number | string;
  success_message?: string;
  error_message?: string;
}

/** The provider's documented response codes. */
export const BULKSMSBD_CODES: Record<number, string> = {
  202: 'SMS Submitted Successfully',
  1001: 'Invalid Number',
  1002: 'sender id not correct/sender id is disabled',
  1003: 'Please Required all fields/Contact Your System Administrator',
  1005: 'Internal Error',
  1006: 'Balance Validity Not Available',
  1007: 'Balance Insufficient',
  1011: 'User Id not found',
  1012: 'Masking SMS must be sent in Bengali',
  1013: 'Sender Id has not found Gateway by api key',
  1014: 'Sender Type Name not found using this sender by api key',
  1015: 'Sender Id has not found Any Valid Gateway by api key',
  1016: 'Sender Type Name Active Price Info not found by this sender id',
  1017: 'Sender Type Name Price Info not found by this sender id',
  1018: 'The Owner of this (username) Account is disabled',
  1019: 'The (sender type name) Price of this (username) Account is disabled',
  1020: 'The parent of this account is not found',
  1021: 'The parent active (sender type name) price of this account is not found',
  1031: 'Your Account Not Verified, Please Contact Administrator',
  1032: 'IP Not whitelisted',
};

export function createBulkSmsBdProvider(opts: BulkSmsBdOptions): SmsProvider {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const who = 'bulksmsbd';
  return {
    name: 'bulksmsbd',
    dedupesClientIds: false,
    async send(req: SendRequest): Promise<SendResult> {
      const msisdn = toMsisdn(req.to);
      if (!msisdn) return { providerMessageId: null, status: 'rejected', permanent: true, reason: `invalid mobile number ${req.to}` };
      // POST as a form: Bengali text in a query string is long and some proxies mangle it.
      const form = new URLSearchParams({ api_key: opts.apiKey, type: 'text', number: msisdn, senderid: opts.senderId, message: req.body });
      const res = await fetchWithTimeout(`${base}/api/smsapi`, { method: 'POST', body: form, headers: { accept: 'application/json' } }, timeoutMs, who);
      return interpretBulkSmsBd(await readJson<BulkSmsBdResponse>(res, who));
    },
  };
}

export function interpretBulkSmsBd(json: BulkSmsBdResponse): SendResult {
  const code = Number(json.response_code);
  const reason = `${code} ${json.error_message || BULKSMSBD_CODES[code] || 'unknown response code'}`;
  if (code === 202) return { providerMessageId: json.message_id != null ? String(json.message_id) : null, status: 'accepted' };
  if (code === 1001) return { providerMessageId: null, status: 'rejected', permanent: true, reason };
  if (code === 1006 || code === 1007) throw new SmsInsufficientBalanceError(`bulksmsbd: ${reason}`);
  if (code === 1005) throw new SmsServerError(`bulksmsbd: ${reason}`);
  if (code === 1003 || code === 1012) return { providerMessageId: null, status: 'rejected', permanent: false, reason };
  if (code in BULKSMSBD_CODES) throw new SmsConfigError(`bulksmsbd: ${reason}`);
  return { providerMessageId: null, status: 'rejected', permanent: false, reason };
}
