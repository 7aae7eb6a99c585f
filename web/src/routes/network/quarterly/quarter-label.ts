// "2026-Q4" in the reader's words: "২০২৬, অক্টোবর–ডিসেম্বর" / "2026, Oct–Dec".
import { digits } from '$lib/format';
import { m } from '$lib/paraglide/messages';

const RANGES: (() => string)[] = [m.net_q1, m.net_q2, m.net_q3, m.net_q4];

export function quarterLabel(quarter: string): string {
  const [year, q] = quarter.split('-Q');
  const range = RANGES[Number(q) - 1] as (() => string) | undefined;
  return range && year ? `${digits(year)}, ${range()}` : quarter;
}
