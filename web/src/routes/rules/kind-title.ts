// Each policy file's name in the reader's language.
import { m } from '$lib/paraglide/messages';

const TITLES: Record<string, () => string> = {
  products: m.rules_kind_products, deadline: m.rules_kind_deadline, reminders: m.rules_kind_reminders, grace: m.rules_kind_grace,
  'late-payment': m.rules_kind_late_payment, default: m.rules_kind_default, holidays: m.rules_kind_holidays,
  corrections: m.rules_kind_corrections, notices: m.rules_kind_notices,
};

export const kindTitle = (kind: string): string => TITLES[kind]?.() ?? kind;
