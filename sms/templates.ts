// Message templates policymakers edit: one .txt file per template in sms/templates (Bengali first),
// `{placeholder}` for values, `#` lines for notes. Every file is checked when loaded, and a wrong
// placeholder is refused naming the file, so a typo never reaches a borrower as "{amout}".
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bnDate } from '../domain/bengali';
import { formatTaka } from '../domain/money';
import { countSegments } from './segments';

export const TEMPLATES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');

/** Each template's placeholders and the ones it may not leave out. */
export const TEMPLATE_FIELDS: Record<string, { placeholders: readonly string[]; required: readonly string[] }> = {
  installment_reminder: { placeholders: ['name', 'amount', 'deadline', 'loanCode', 'payLink'], required: ['amount', 'deadline'] },
  installment_reminder_with_link: { placeholders: ['name', 'amount', 'deadline', 'loanCode', 'payLink'], required: ['amount', 'deadline', 'payLink'] },
  loan_schedule: { placeholders: ['name', 'loanCode', 'total', 'count', 'amount', 'deadline'], required: ['total', 'count', 'amount', 'deadline'] },
  payment_receipt: { placeholders: ['name', 'loanCode', 'amount', 'balance'], required: ['amount', 'balance'] },
  grace_warning: { placeholders: ['name', 'loanCode', 'amount', 'deadline'], required: ['amount', 'deadline'] },
  default_warning: { placeholders: ['name', 'loanCode', 'amount'], required: ['amount'] },
  blacklist_notice: { placeholders: ['name', 'loanCode', 'amount'], required: ['amount'] },
  notice: { placeholders: ['office', 'title', 'link'], required: ['title', 'link'] },
  notice_reminder: { placeholders: ['office', 'title', 'date', 'link'], required: ['title', 'date'] },
};

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export interface Template {
  name: string;
  file: string;
  text: string;
  placeholders: string[];
}

/** Checks one template's text; `file` is only for the error message. */
export function parseTemplate(name: string, file: string, source: string): Template {
  const fields = TEMPLATE_FIELDS[name];
  if (!fields) throw new TemplateError(`${file}: no template called "${name}" is known; known: ${Object.keys(TEMPLATE_FIELDS).join(', ')}`);
  const text = source
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .trim();
  if (!text) throw new TemplateError(`${file}: the message is empty`);
  const stray = text.replace(/\{[A-Za-z][A-Za-z0-9_]*\}/g, '').match(/[{}]/);
  if (stray) throw new TemplateError(`${file}: unmatched "${stray[0]}" (placeholders look like {amount})`);
  const used = [...text.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  const unknown = used.filter((p) => !fields.placeholders.includes(p));
  if (unknown.length) {
    throw new TemplateError(`${file}: unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')}; allowed: ${fields.placeholders.map((p) => `{${p}}`).join(' ')}`);
  }
  const missing = fields.required.filter((p) => !used.includes(p));
  if (missing.length) throw new TemplateError(`${file}: must contain ${missing.map((p) => `{${p}}`).join(', ')}`);
  return { name, file, text, placeholders: [...new Set(used)] };
}

export interface TemplateSet {
  get(name: string): Template;
  render(name: string, values: Record<string, string>): string;
}

/** Loads and checks every template file; the first bad file stops the load with its name. */
export async function loadTemplates(dir = TEMPLATES_DIR): Promise<TemplateSet> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  const files: [string, string][] = [];
  for (const f of names) files.push([path.join(dir, f), await readFile(path.join(dir, f), 'utf8')]);
  return buildTemplateSet(dir, files);
}

/** The same, synchronously: for start-up code and activity factories that are not async. */
export function loadTemplatesSync(dir = TEMPLATES_DIR): TemplateSet {
  const names = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  return buildTemplateSet(dir, names.map((f) => [path.join(dir, f), readFileSync(path.join(dir, f), 'utf8')]));
}

function buildTemplateSet(dir: string, files: [string, string][]): TemplateSet {
  const templates = new Map<string, Template>();
  for (const [file, source] of files) {
    const name = path.basename(file, '.txt');
    templates.set(name, parseTemplate(name, file, source));
  }
  for (const name of Object.keys(TEMPLATE_FIELDS)) {
    if (!templates.has(name)) throw new TemplateError(`${path.join(dir, `${name}.txt`)}: template file missing`);
  }
  const get = (name: string): Template => {
    const t = templates.get(name);
    if (!t) throw new TemplateError(`no template "${name}" in ${dir}`);
    return t;
  };
  return { get, render: (name, values) => renderTemplate(get(name), values) };
}

export function renderTemplate(t: Template, values: Record<string, string>): string {
  return t.text.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new TemplateError(`${t.file}: no value for {${key}}`);
    return v;
  });
}

export interface ReminderParams {
  name: string;
  amountDuePoisha: number;
  dueDate: string; // YYYY-MM-DD, Dhaka
  loanCode: string;
  payLink?: string;
}

export function reminderValues(p: ReminderParams): Record<string, string> {
  return { name: p.name.trim(), amount: formatTaka(p.amountDuePoisha), deadline: bnDate(p.dueDate), loanCode: p.loanCode, payLink: p.payLink ?? '' };
}

/**
 * The reminder text. When the full name pushes it past one SMS part, the first word of the name is
 * used instead (amount and deadline are never shortened): one part instead of two, for every borrower.
 */
export function renderReminder(set: TemplateSet, p: ReminderParams, template = 'installment_reminder'): string {
  const values = reminderValues(p);
  const full = set.render(template, values);
  if (countSegments(full).segments <= 1) return full;
  const first = values.name!.split(/\s+/)[0] ?? '';
  const short = set.render(template, { ...values, name: first });
  return countSegments(short).segments < countSegments(full).segments ? short : full;
}
