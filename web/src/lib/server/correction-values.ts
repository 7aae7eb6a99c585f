// The fields a correction may change: the record's current values, and the changes a form asks for
// (only fields that differ from now, money in poisha). Used by filing and by revising a request.
import type { RequestEvent } from '@sveltejs/kit';
import { parseTaka } from '../../../../import/parse-taka';
import { FIELDS } from '$lib/corrections';
import { m } from '$lib/paraglide/messages';
import { apiGet } from './api';

export type RecordKind = keyof typeof FIELDS;
export type Values = Record<string, string | number | null>;

export async function currentValues(event: Pick<RequestEvent, 'request' | 'platform'>, kind: RecordKind, id: string): Promise<Values> {
  if (kind === 'borrower') {
    const { borrower } = await apiGet<{ borrower: Record<string, string | null> }>(event, `/api/borrowers/${id}`);
    return Object.fromEntries(FIELDS.borrower.map((f) => [f, borrower[f] ?? null]));
  }
  const { loan, installments } = await apiGet<{ loan: { principalPoisha: number }; installments: unknown[] }>(event, `/api/loans/${id}`);
  return { principalPoisha: loan.principalPoisha, installmentCount: installments.length };
}

export type ReadChanges =
  | { ok: true; entered: Record<string, string>; changes: Values }
  | { ok: false; entered: Record<string, string>; error: { field: string | null; message: string } };

export function readChanges(form: FormData, kind: RecordKind, before: Values): ReadChanges {
  const entered = Object.fromEntries(FIELDS[kind].map((f) => [f, String(form.get(f) ?? '').trim()]));
  const changes: Values = {};
  for (const f of FIELDS[kind]) {
    const text = entered[f]!;
    let value: string | number | null = text === '' ? null : text;
    if (f === 'principalPoisha') {
      const t = parseTaka(text);
      if (!t.ok) return { ok: false, entered, error: { field: f, message: m.loans_amount_invalid() } };
      value = t.poisha;
    } else if (f === 'installmentCount') {
      if (!/^\d{1,3}$/.test(text)) return { ok: false, entered, error: { field: f, message: m.corr_count_invalid() } };
      value = Number(text);
    }
    if (value !== before[f]) changes[f] = value;
  }
  if (Object.keys(changes).length === 0) return { ok: false, entered, error: { field: null, message: m.corr_nothing_changed() } };
  return { ok: true, entered, changes };
}

/** The API names a field as changes.<field>; the form's field is its last part. */
export const formField = (field: string | null | undefined): string | null => (field ? field.split('.').at(-1)! : null);
