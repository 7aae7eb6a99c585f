// Small text helpers shared by the header matcher and the row validator.

const BN_ZERO = 0x09e6; // '০'

/** Bengali digits ০-৯ → ASCII 0-9; clerks type either, the database stores ASCII. */
export function asciiDigits(text: string): string {
  return text.replace(/[০-৯]/g, (d) => String(d.charCodeAt(0) - BN_ZERO));
}

/** ASCII digits → Bengali digits (the inverse, used by tests and the template example). */
export function bengaliDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(BN_ZERO + Number(d)));
}

/**
 * Trimmed, NFC-normalised, runs of whitespace (including the no-break spaces Excel pastes) collapsed
 * to one space. NFC matters for Bengali: "য়" can arrive precomposed or as য + nukta.
 */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0\u2007\u202f\ufeff]+/g, ' ').trim();
}

/** Zero-width joiners and the like change nothing a clerk can see, so they never decide a match. */
export function withoutInvisibles(text: string): string {
  return text.replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
}

/** Spreadsheet column letter for a 0-based index: 0 → A, 26 → AA. Clerks find columns by letter. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
