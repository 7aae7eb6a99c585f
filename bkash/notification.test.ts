import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTakaAmount, parseTakaAmount } from './amount';
import { formatBkashDateTime, parseBkashDateTime, parseBkashNotification } from './notification';
import { parseBkashExecuteTime } from './tokenized-client';

const good = {
  dateTime: '20240131153045',
  debitMSISDN: '8801712345678',
  creditOrganizationName: 'UCO Sadar',
  creditShortCode: '01711000001',
  trxID: 'BAV3KD9Q2X',
  transactionStatus: 'Completed',
  transactionType: '1003',
  amount: '1050.00',
  currency: 'BDT',
  transactionReference: ' K7QX4M2P ',
};

describe('amounts', () => {
  it('parses decimal taka strings into exact poisha', () => {
    expect(parseTakaAmount('1050.00')).toBe(105_000);
    expect(parseTakaAmount('1050')).toBe(105_000);
    expect(parseTakaAmount('1050.5')).toBe(105_050);
    expect(parseTakaAmount('0.01')).toBe(1);
    expect(parseTakaAmount('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 as a float
    expect(parseTakaAmount('1.15')).toBe(115);
  });

  it('any poisha formatted as "T.PP" parses back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (poisha) => {
        const text = `${Math.floor(poisha / 100)}.${(poisha % 100).toString().padStart(2, '0')}`;
        expect(formatTakaAmount(poisha)).toBe(text);
        expect(parseTakaAmount(text)).toBe(poisha);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses anything that is not a plain positive amount with at most 2 decimals', () => {
    for (const bad of ['1050.001', '10.505', '-5.00', '+5', '1e3', '1,050.00', ' 10', '10 ', '', '.5', '5.', '0x10', 'NaN', 'Infinity', '0', '0.00', '১০৫০']) {
      expect(() => parseTakaAmount(bad), bad).toThrow(/amount/);
    }
    expect(() => parseTakaAmount('1050.001')).toThrow(/more than 2 decimals/);
    expect(() => parseTakaAmount(1050 as unknown)).toThrow(/decimal string/);
    expect(() => parseTakaAmount('99999999999999999')).toThrow();
  });

  it('property: random strings either parse to what BigInt arithmetic says, or are refused', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', ' ') }), (s) => {
        let value: number | null = null;
        try {
          value = parseTakaAmount(s);
        } catch {
          value = null;
        }
        if (value !== null) {
          expect(s).toMatch(/^\d+(\.\d{1,2})?$/);
          const [t, p = ''] = s.split('.');
          expect(BigInt(value)).toBe(BigInt(t!) * 100n + BigInt(p.padEnd(2, '0') || '0'));
        }
      }),
    );
  });
});

describe('bKash dateTime', () => {
  it('is yyyyMMddHHmmss on the Dhaka clock (+06:00)', () => {
    expect(parseBkashDateTime('20240131153045')).toBe(Date.parse('2024-01-31T15:30:45+06:00'));
    expect(parseBkashDateTime('20240131153045')).toBe(Date.parse('2024-01-31T09:30:45Z'));
    // Just after midnight in Dhaka is still the previous day in UTC.
    expect(new Date(parseBkashDateTime('20240201000500')).toISOString()).toBe('2024-01-31T18:05:00.000Z');
    expect(parseBkashDateTime('20240229235959')).toBe(Date.parse('2024-02-29T23:59:59+06:00'));
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T00:00:00Z') }), (ms) => {
        const whole = ms - (ms % 1000);
        expect(parseBkashDateTime(formatBkashDateTime(whole))).toBe(whole);
      }),
    );
  });

  it('refuses non-dates', () => {
    for (const bad of ['20230229120000', '20241301120000', '20240131240000', '20240131156000', '2024013115304', '2024-01-31 15:30:45', '']) {
      expect(() => parseBkashDateTime(bad), bad).toThrow(RangeError);
    }
  });

  it('reads paymentExecuteTime in bKash\'s "GMT+0600" form', () => {
    expect(parseBkashExecuteTime('2024-01-31T15:30:45:123 GMT+0600')).toBe(Date.parse('2024-01-31T09:30:45.123Z'));
    expect(parseBkashExecuteTime('2024-01-31T15:30:45 GMT+0600')).toBe(Date.parse('2024-01-31T09:30:45Z'));
    expect(parseBkashExecuteTime('yesterday')).toBeNull();
  });
});

describe('notification Message', () => {
  it('turns a Completed notification into a ReceivedPayment', () => {
    const r = parseBkashNotification(JSON.stringify(good));
    expect(r.kind).toBe('payment');
    if (r.kind !== 'payment') return;
    expect(r.payment).toMatchObject({
      trxId: 'BAV3KD9Q2X',
      amountPoisha: 105_000,
      paidAt: Date.parse('2024-01-31T09:30:45Z'),
      payerMsisdn: '8801712345678',
      reference: 'K7QX4M2P',
      creditShortCode: '01711000001',
      provider: 'bkash',
      channel: 'webhook',
    });
    expect(r.payment.merchantInvoiceNumber).toBeUndefined();
    const withInvoice = parseBkashNotification({ ...good, merchantInvoiceNumber: 'INV-1' });
    expect(withInvoice.kind === 'payment' && withInvoice.payment.merchantInvoiceNumber).toBe('INV-1');
    const noRef = parseBkashNotification({ ...good, transactionReference: undefined });
    expect(noRef.kind === 'payment' && noRef.payment.reference).toBeNull();
  });

  it('only "Completed" is a payment', () => {
    for (const status of ['Failed', 'Cancelled', 'Reversed', 'Initiated']) {
      const r = parseBkashNotification({ ...good, transactionStatus: status });
      expect(r).toMatchObject({ kind: 'not_completed', trxId: 'BAV3KD9Q2X', status });
    }
  });

  it('names the bad field', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...good, amount: '1050.005' }, 'amount', /more than 2 decimals/],
      [{ ...good, amount: '-10.00' }, 'amount', /amount/],
      [{ ...good, amount: 1050 }, 'amount', /must be a string/],
      [{ ...good, amount: '0.00' }, 'amount', /more than zero/],
      [{ ...good, currency: 'USD' }, 'currency', /not BDT/],
      [{ ...good, dateTime: '20240231120000' }, 'dateTime', /not a calendar date/],
      [{ ...good, dateTime: '2024-01-31T15:30:45' }, 'dateTime', /yyyyMMddHHmmss/],
      [{ ...good, trxID: undefined }, 'trxID', /missing/],
      [{ ...good, trxID: 'ab; drop' }, 'trxID', /not a bKash transaction id/],
      [{ ...good, debitMSISDN: 'someone' }, 'debitMSISDN', /not a wallet/],
      [{ ...good, creditShortCode: '' }, 'creditShortCode', /missing/],
      [{ ...good, transactionStatus: undefined }, 'transactionStatus', /missing/],
    ];
    for (const [msg, field, reason] of cases) {
      const r = parseBkashNotification(JSON.stringify(msg));
      expect(r.kind, field).toBe('invalid');
      if (r.kind !== 'invalid') continue;
      expect(r.field).toBe(field);
      expect(r.reason).toMatch(reason);
      expect(r.reason.startsWith(`${field}:`)).toBe(true);
    }
    expect(parseBkashNotification('not json')).toMatchObject({ kind: 'invalid', field: 'Message' });
    expect(parseBkashNotification('[1]')).toMatchObject({ kind: 'invalid', field: 'Message' });
  });
});
