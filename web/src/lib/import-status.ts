// An import job's status in the reader's language.
import { m } from '$lib/paraglide/messages';

const STATUS: Record<string, () => string> = {
  queued: m.imp_s_queued, validating: m.imp_s_validating, applying: m.imp_s_applying, starting: m.imp_s_starting,
  done: m.imp_s_done, invalid: m.imp_s_invalid, failed: m.imp_s_failed,
};

export const importStatusLabel = (s: string): string => STATUS[s]?.() ?? s;
