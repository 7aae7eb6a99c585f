const BN_DIGITS = ['০', '১', '২', '৩', '৪', '৫', '৬', '৭', '৮', '৯'];
const BN_MONTHS = ['জানুয়ারি', 'ফেব্রুয়ারি', 'মার্চ', 'এপ্রিল', 'মে', 'জুন', 'জুলাই', 'আগস্ট', 'সেপ্টেম্বর', 'অক্টোবর', 'নভেম্বর', 'ডিসেম্বর'];

export function bnDigits(text: string | number): string {
  return String(text).replace(/\d/g, (d) => BN_DIGITS[Number(d)]!);
}

/** "2026-12-10" → "১০ ডিসেম্বর ২০২৬". */
export function bnDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${bnDigits(d)} ${BN_MONTHS[m - 1]} ${bnDigits(y)}`;
}
