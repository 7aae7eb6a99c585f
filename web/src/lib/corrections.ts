// Correction requests as the pages show them: field names and values in the reader's language.
import { digits, taka, num } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

export interface Correction {
  id: string;
  recordKind: 'borrower' | 'loan';
  recordId: string;
  officeId: string;
  status: string;
  step: number;
  changes: { field: string; old: unknown; new: unknown }[];
  reason: string;
  requestedBy: string;
  awaitingRole: string | null;
  awaitingOfficeId: string | null;
  stepDeadline: string | null;
  chain: { role: string; officeId: string; level: string }[] | null;
  ruleName: string | null;
  ruleVersion: string | null;
  outcome: string | null;
  createdAt: string;
}

export const FIELDS = {
  borrower: ['name', 'fatherOrHusbandName', 'mobile', 'nid', 'barrackNo', 'roomNo'],
  loan: ['principalPoisha', 'installmentCount'],
} as const;

const FIELD_LABEL: Record<string, () => string> = {
  name: m.corr_field_name, fatherOrHusbandName: m.corr_field_father, mobile: m.corr_field_mobile, nid: m.corr_field_nid,
  barrackNo: m.corr_field_barrack, roomNo: m.corr_field_room, principalPoisha: m.corr_field_principal, installmentCount: m.corr_field_installments,
};
const ROLE_LABEL: Record<string, () => string> = {
  upazila_officer: m.corr_role_uco, district_officer: m.corr_role_dco, divisional_officer: m.corr_role_division, hq_admin: m.corr_role_hq,
  collector: m.corr_role_collector, auditor: m.corr_role_auditor, society_rep: m.corr_role_society,
};
const STATUS_LABEL: Record<string, () => string> = {
  pending: m.corr_status_pending, returned: m.corr_status_returned, approved: m.corr_status_approved, applied: m.corr_status_applied,
  rejected: m.corr_status_rejected, conflict: m.corr_status_conflict, withdrawn: m.corr_status_withdrawn,
};

export const fieldLabel = (f: string): string => FIELD_LABEL[f]?.() ?? f;
export const roleLabel = (r: string | null): string => (r ? (ROLE_LABEL[r]?.() ?? r) : '—');
export const correctionStatusLabel = (s: string): string => STATUS_LABEL[s]?.() ?? s;

export function valueText(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'principalPoisha' && typeof value === 'number') return taka(value);
  if (field === 'installmentCount' && typeof value === 'number') return num(value);
  if (field === 'mobile' || field === 'nid') return digits(String(value));
  return String(value);
}

export interface CorrectionEvent {
  step: number; actor: string; decision: string; comment: string; at: string;
  actorName: string | null; actorRole: string | null; actorOfficeId: string | null;
}
export interface OfficeName { id: string; nameBn: string; nameEn: string }

/** An office's name in the reader's language, from the names the request's page was given. */
export function officeName(offices: OfficeName[], id: string | null): string {
  if (!id) return '—';
  const o = offices.find((x) => x.id === id);
  return o ? (getLocale() === 'en' ? o.nameEn : o.nameBn) : id;
}

/** Who made a decision: a person, or the system (applying) or a deadline rule (escalating). */
export function actorText(e: CorrectionEvent): string {
  if (e.actorName) return e.actorName;
  if (e.actor.startsWith('rule:')) return m.corr_by_rule();
  return m.corr_by_system();
}
