// How many SMS parts a text costs. GSM 03.38 7-bit when every character is in the default alphabet
// or its extension table (extension characters take two septets and are never split across parts);
// otherwise UCS-2, counted in UTF-16 code units (a surrogate pair is never split). Bengali is UCS-2.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(Array.from(GSM_BASIC).filter((ch) => ch !== '\u001b'));
const extension = new Set(Array.from(GSM_EXTENSION));

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** What one part holds for this text: 160/153 or 70/67. */
  perSegment: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

export function countSegments(text: string): SegmentInfo {
  if (isGsm7(text)) {
    const sizes = Array.from(text, (ch) => (extension.has(ch) ? 2 : 1));
    return pack('GSM-7', sizes, 160, 153);
  }
  // One entry per code point: 1 code unit, or 2 for a surrogate pair that must stay together.
  const sizes = Array.from(text, (ch) => ch.length);
  return pack('UCS-2', sizes, 70, 67);
}

function pack(encoding: SmsEncoding, sizes: number[], single: number, multi: number): SegmentInfo {
  const units = sizes.reduce((a, b) => a + b, 0);
  if (units === 0) return { encoding, units, segments: 0, perSegment: single };
  if (units <= single) return { encoding, units, segments: 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments, perSegment: multi };
}

export interface SmsPrices {
  /** Price of one part in poisha, per encoding (gateways usually price Bengali parts the same or higher). */
  gsmPerSegmentPoisha: number;
  ucs2PerSegmentPoisha: number;
}

/** Whole poisha: parts × the price of one part. */
export function estimateCostPoisha(text: string, prices: SmsPrices): number {
  const info = countSegments(text);
  const price = info.encoding === 'GSM-7' ? prices.gsmPerSegmentPoisha : prices.ucs2PerSegmentPoisha;
  if (!Number.isSafeInteger(price) || price < 0) throw new RangeError(`SMS price must be whole poisha, got ${price}`);
  return info.segments * price;
}
