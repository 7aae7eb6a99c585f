// Hostile and damaged workbooks are refused before anything is inflated: a zip bomb (a few hundred
// KB that unpacks to 300 MB), a ZIP64 entry, a workbook cut off in transfer, and junk after "PK".
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImportFileError } from './import-file-error';
import { parseImportFile } from './parse-file';
import { templateXlsx } from './template';
import { checkZipLimits, MAX_UNPACKED_BYTES } from './zip-limits';

/** A one-entry zip, honest about its sizes unless told otherwise. */
function zipOf(name: string, content: Buffer, declaredSize = content.length): Buffer {
  const packed = deflateRawSync(content);
  const crc = crc32(content);
  const file = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(file.length, 28);
  const body = Buffer.concat([local, file, packed]);
  const dir = Buffer.concat([central, file]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(body.length, 16);
  return Buffer.concat([body, dir, end]);
}

describe('workbook size limits', () => {
  it('reads the unpacked size of a real workbook (the template) without inflating it', async () => {
    const xlsx = await templateXlsx();
    const unpacked = checkZipLimits(xlsx);
    expect(unpacked).toBeGreaterThan(xlsx.length);
    expect(unpacked).toBeLessThan(MAX_UNPACKED_BYTES);
  });

  it('refuses a zip bomb before inflating it, in plain words', async () => {
    const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(300 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await parseImportFile(bomb, 'ledger.xlsx').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    expect((err as Error).message).toMatch(/unpacks to more than 250 MB/);
  });

  it('refuses an entry that declares a ZIP64 size', () => {
    expect(() => checkZipLimits(zipOf('a.xml', Buffer.from('x'), 0xffffffff))).toThrow(/unpacks to more than/);
  });

  it('refuses a workbook cut off in transfer, and junk after the zip signature, as damaged', async () => {
    const xlsx = await templateXlsx();
    for (const cut of [xlsx.subarray(0, Math.floor(xlsx.length / 2)), xlsx.subarray(0, xlsx.length - 10), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(5000, 7)])]) {
      const err = await parseImportFile(cut, 'ledger.xlsx').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportFileError);
      expect((err as Error).message).toMatch(/damaged or cut off/);
    }
  });
});
