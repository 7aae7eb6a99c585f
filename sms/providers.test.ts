// The two gateway clients against the simulator: success, permanent rejection, a 500 then success,
// a time-out, throttling, and the simulator's own checks (credentials, MSISDN, csms_id once only).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBulkSmsBdProvider } from './bulksmsbd';
import { SmsConfigError, SmsInsufficientBalanceError, SmsServerError, SmsThrottledError, SmsTimeoutError, toMsisdn, type SmsProvider } from './provider';
import { startSmsSimulator, type SmsSimulator } from './simulator';
import { createSslWirelessProvider, interpretSslSend } from './ssl-wireless';

let sim: SmsSimulator;
let ssl: SmsProvider;
let bulk: SmsProvider;
// Short time-outs only where a time-out is the point: under CI load a busy machine must not turn
// a real answer into one.
let sslImpatient: SmsProvider;
let bulkImpatient: SmsProvider;
const body = 'রহিমা খাতুন, কিস্তি ৳১,২৫০ জমার শেষ দিন ১০ ডিসেম্বর ২০২৬। ঋণ K7M2Q9XA';

beforeAll(async () => {
  sim = await startSmsSimulator();
  ssl = createSslWirelessProvider({ baseUrl: sim.url, ...sim.credentials.ssl, timeoutMs: 5_000 });
  bulk = createBulkSmsBdProvider({ baseUrl: sim.url, ...sim.credentials.bulksmsbd, timeoutMs: 5_000 });
  sslImpatient = createSslWirelessProvider({ baseUrl: sim.url, ...sim.credentials.ssl, timeoutMs: 500 });
  bulkImpatient = createBulkSmsBdProvider({ baseUrl: sim.url, ...sim.credentials.bulksmsbd, timeoutMs: 500 });
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

describe('toMsisdn', () => {
  it('accepts Bangladeshi mobiles in local or international form, nothing else', () => {
    expect(toMsisdn('01712345678')).toBe('8801712345678');
    expect(toMsisdn('+880 1712-345678')).toBe('8801712345678');
    expect(toMsisdn('01212345678')).toBeNull();
    expect(toMsisdn('1712345678')).toBeNull();
  });
});

describe.each([
  ['ssl-wireless', () => ssl, () => sslImpatient],
  ['bulksmsbd', () => bulk, () => bulkImpatient],
])('%s client', (name, provider, impatient) => {
  it('sends: accepted, with the provider id; the simulator received the Bengali text once', async () => {
    const r = await provider().send({ to: '01712345678', body, clientMessageId: 'asr-1' });
    expect(r).toMatchObject({ status: 'accepted' });
    expect(r.providerMessageId).toBeTruthy();
    expect(sim.messages()).toEqual([expect.objectContaining({ provider: name, msisdn: '8801712345678', body })]);
  });

  it('a number the network refuses is a permanent rejection', async () => {
    sim.setBehaviour({ rejectNumbers: ['8801712345678'] });
    const r = await provider().send({ to: '01712345678', body, clientMessageId: 'asr-2' });
    expect(r).toMatchObject({ status: 'rejected', permanent: true });
    expect(sim.messages()).toHaveLength(0);
  });

  it('HTTP 500 is retryable; the retry succeeds', async () => {
    sim.setBehaviour({ failNext: 1 });
    await expect(provider().send({ to: '01712345678', body, clientMessageId: 'asr-3' })).rejects.toBeInstanceOf(SmsServerError);
    await expect(provider().send({ to: '01712345678', body, clientMessageId: 'asr-3' })).resolves.toMatchObject({ status: 'accepted' });
    expect(sim.messages()).toHaveLength(1);
  });

  it('no answer in time is a retryable time-out', async () => {
    sim.setBehaviour({ hangNext: 1, hangMs: 2_000 });
    const started = Date.now();
    await expect(impatient().send({ to: '01712345678', body, clientMessageId: 'asr-4' })).rejects.toBeInstanceOf(SmsTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('throttling and an empty balance are retryable and not the number\'s fault', async () => {
    sim.setBehaviour({ throttleNext: 1 });
    await expect(provider().send({ to: '01712345678', body, clientMessageId: 'asr-5' })).rejects.toBeInstanceOf(SmsThrottledError);
    sim.setBehaviour({ insufficientBalance: true });
    await expect(provider().send({ to: '01712345678', body, clientMessageId: 'asr-5' })).rejects.toBeInstanceOf(SmsInsufficientBalanceError);
  });

  it('wrong credentials are an account problem, not a rejection of the message', async () => {
    const wrong =
      name === 'ssl-wireless'
        ? createSslWirelessProvider({ baseUrl: sim.url, apiToken: 'nope', sid: sim.credentials.ssl.sid })
        : createBulkSmsBdProvider({ baseUrl: sim.url, apiKey: sim.credentials.bulksmsbd.apiKey, senderId: 'WRONG' });
    await expect(wrong.send({ to: '01712345678', body, clientMessageId: 'asr-6' })).rejects.toBeInstanceOf(SmsConfigError);
    expect(sim.messages()).toHaveLength(0);
  });

  it('an invalid number is refused before any request', async () => {
    const r = await provider().send({ to: '0171234', body, clientMessageId: 'asr-7' });
    expect(r).toMatchObject({ status: 'rejected', permanent: true });
    expect(sim.requests()).toBe(0);
  });
});

describe('SSL Wireless csms_id', () => {
  it('a resend with the same csms_id is not delivered twice, and the client treats it as sent', async () => {
    await ssl.send({ to: '01712345678', body, clientMessageId: 'asr-10' });
    const again = await ssl.send({ to: '01712345678', body, clientMessageId: 'asr-10' });
    expect(again).toMatchObject({ status: 'accepted' });
    expect(sim.messages()).toHaveLength(1);
    expect(sim.requests()).toBe(2);
  });

  it('a time-out after the gateway took the message: the status look-up finds it, the resend is dropped', async () => {
    sim.setBehaviour({ hangNext: 1, hangMs: 2_000, deliverWhenHanging: true });
    await expect(sslImpatient.send({ to: '01712345678', body, clientMessageId: 'asr-11' })).rejects.toBeInstanceOf(SmsTimeoutError);
    expect(await ssl.deliveryStatus!({ clientMessageId: 'asr-11' })).toEqual({ state: 'delivered', providerMessageId: sim.messages()[0]!.providerMessageId });
    expect(await ssl.deliveryStatus!({ clientMessageId: 'asr-12' })).toEqual({ state: 'unknown', providerMessageId: null });
    await expect(ssl.send({ to: '01712345678', body, clientMessageId: 'asr-11' })).resolves.toMatchObject({ status: 'accepted' });
    expect(sim.messages()).toHaveLength(1);
  });
});

describe('SSL Wireless status codes (the published v3 table)', () => {
  const fail = (code: number, error_message = '') => ({ status: 'FAILED', status_code: code, error_message, smsinfo: [] });
  it.each([
    [4001, SmsConfigError], [4002, SmsConfigError], [4003, SmsConfigError], [4004, SmsConfigError], [4005, SmsConfigError],
    [4029, SmsThrottledError], [4031, SmsThrottledError], [4030, SmsInsufficientBalanceError], [5000, SmsServerError],
  ] as const)('%i throws %o, whatever the wording', (code, kind) => {
    expect(() => interpretSslSend(fail(code, 'something'), 'asr-1')).toThrow(kind);
  });
  it.each([4025, 4026])('%i is a permanent rejection of the number', (code) => {
    expect(interpretSslSend(fail(code), 'asr-1')).toMatchObject({ status: 'rejected', permanent: true, reason: expect.stringMatching(String(code)) });
  });
  it.each([4020, 4022, 4027, 4028])('%i is a fault of the message, not of the number', (code) => {
    expect(interpretSslSend(fail(code), 'asr-1')).toMatchObject({ status: 'rejected', permanent: false });
  });
  it('4023 and an smsinfo DUPLICATE mean an earlier attempt was taken: sent', () => {
    expect(interpretSslSend(fail(4023, 'Duplicate CSMS ID'), 'asr-9')).toMatchObject({ status: 'accepted', providerMessageId: 'csms:asr-9' });
    const dup = { status: 'FAILED', status_code: 200, error_message: '', smsinfo: [{ sms_status: 'DUPLICATE', reference_id: 'R7' }] };
    expect(interpretSslSend(dup, 'asr-9')).toMatchObject({ status: 'accepted', providerMessageId: 'R7' });
  });
  it('the simulator answers with the same codes', async () => {
    const post = (json: unknown) => fetch(`${sim.url}/api/v3/send-sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }).then((r) => r.json() as Promise<{ status_code: number }>);
    const good = { api_token: sim.credentials.ssl.apiToken, sid: sim.credentials.ssl.sid, msisdn: '8801712345678', sms: 'hi', csms_id: 'c1' };
    expect(await post({ ...good, sid: 'OTHER' })).toMatchObject({ status_code: 4002 });
    expect(await post({ ...good, msisdn: '8801212345678' })).toMatchObject({ status_code: 4025 });
    expect(await post({ ...good, csms_id: 'x'.repeat(21) })).toMatchObject({ status_code: 4020 });
    expect(await post(good)).toMatchObject({ status_code: 200 });
    expect(await post(good)).toMatchObject({ status_code: 4023 });
    expect(sim.messages()).toHaveLength(1);
  });
});

describe('simulator checks what the real services check', () => {
  it('SSL: required fields, MSISDN format, token', async () => {
    const post = (json: unknown) => fetch(`${sim.url}/api/v3/send-sms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }).then((r) => r.json() as Promise<{ status: string; error_message: string }>);
    const good = { api_token: sim.credentials.ssl.apiToken, sid: sim.credentials.ssl.sid, msisdn: '8801712345678', sms: 'hi', csms_id: 'x1' };
    expect(await post({ ...good, msisdn: '01712345678' })).toMatchObject({ status: 'FAILED', error_message: expect.stringMatching(/Invalid MSISDN/) });
    expect(await post({ ...good, csms_id: undefined })).toMatchObject({ status: 'FAILED', error_message: expect.stringMatching(/csms_id field is required/) });
    expect(await post({ ...good, sms: '' })).toMatchObject({ status: 'FAILED' });
    expect(await post({ ...good, api_token: 'x' })).toMatchObject({ status: 'FAILED', error_message: expect.stringMatching(/Unauthorized/) });
    expect(sim.messages()).toHaveLength(0);
  });

  it('BulkSMSBD: GET with query parameters, codes 1003 / 1001 / 1002 / 202', async () => {
    const get = (q: Record<string, string>) => fetch(`${sim.url}/api/smsapi?${new URLSearchParams(q)}`).then((r) => r.json() as Promise<{ response_code: number }>);
    const good = { api_key: sim.credentials.bulksmsbd.apiKey, type: 'text', number: '8801712345678', senderid: sim.credentials.bulksmsbd.senderId, message: 'hi' };
    expect(await get({ ...good, message: '' })).toMatchObject({ response_code: 1003 });
    expect(await get({ ...good, number: '8801212345678' })).toMatchObject({ response_code: 1001 });
    expect(await get({ ...good, senderid: 'X' })).toMatchObject({ response_code: 1002 });
    expect(await get(good)).toMatchObject({ response_code: 202 });
    expect(sim.messages()).toHaveLength(1);
  });
});
