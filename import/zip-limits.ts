// What a workbook says it unpacks to, read from the zip's central directory before anything is
// inflated: a 20 MB upload that unpacks to gigabytes (a zip bomb, or a sheet of a million styled
// empty cells) is refused before it can exhaust the server's memory. A damaged or cut-off file is
// refused here too, with the same plain words as any unreadable workbook.
import { ImportFileError } from './import-file-error';

/** Unpacked bytes a workbook may hold. A full 20 000-row import template unpacks to ~15 MB. */
export const MAX_UNPACKED_BYTES = 250 * 1024 * 1024;
const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;

const damaged = () => new ImportFileError('The Excel file could not be opened; it may be damaged or cut off. Open it in Excel, save it again as .xlsx and upload that.');

/** Sum of the declared unpacked sizes of every entry; throws ImportFileError when damaged or too large. */
export function checkZipLimits(buffer: Buffer, maxUnpacked = MAX_UNPACKED_BYTES): number {
  // The end-of-central-directory record sits in the last 22 + up to 65 535 (comment) bytes.
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 0xffff); i--) {
    if (buffer.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged();
  const entries = buffer.readUInt16LE(eocd + 10);
  const dirSize = buffer.readUInt32LE(eocd + 12);
  const dirOffset = buffer.readUInt32LE(eocd + 16);
  if (dirOffset + dirSize > eocd) throw damaged();
  let total = 0;
  let at = dirOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== CENTRAL_ENTRY) throw damaged();
    const unpacked = buffer.readUInt32LE(at + 24);
    // 0xFFFFFFFF means a ZIP64 size: 4 GB or more, far beyond any ledger.
    total += unpacked === 0xffffffff ? Number.MAX_SAFE_INTEGER : unpacked;
    if (total > maxUnpacked) {
      throw new ImportFileError(`The Excel file unpacks to more than ${Math.round(maxUnpacked / 1024 / 1024)} MB, far more than a ledger of 20 000 rows needs. Remove empty formatted rows and columns, or split the file, and upload again.`);
    }
    at += 46 + buffer.readUInt16LE(at + 28) + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return total;
}
