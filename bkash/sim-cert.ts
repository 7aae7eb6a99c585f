// A minimal self-signed X.509 v3 certificate (sha256WithRSAEncryption) built with node:crypto and a
// few lines of DER, so the simulator signs SNS messages with a real certificate, exactly what
// sns-verify accepts from AWS. Node can parse certificates but not make them; nothing else is needed.
import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as number[];
  const out: number[] = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function utcTime(d: Date): Buffer {
  const s = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  return tlv(0x17, Buffer.from(`${s.slice(2, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`, 'ascii'));
}
function name(cn: string): Buffer {
  return seq(set(seq(oid('2.5.4.10'), tlv(0x0c, Buffer.from('Asrayon bKash simulator', 'utf8')))), set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

/** PEM of a self-signed certificate for `publicKey`, signed by `privateKey`, valid from an hour ago for `days`. */
export function selfSignedCertificate(opts: { privateKey: KeyObject | string; publicKey: KeyObject; commonName: string; days?: number; now?: number }): string {
  const key = typeof opts.privateKey === 'string' ? createPrivateKey(opts.privateKey) : opts.privateKey;
  const serial = randomBytes(12);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const now = opts.now ?? Date.now();
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serial),
    sha256WithRsa,
    name(opts.commonName),
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + (opts.days ?? 365) * 86_400_000))),
    name(opts.commonName),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, key);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0x00]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
