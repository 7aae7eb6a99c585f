import { fail } from '@sveltejs/kit';
import { apiGet, apiSend, type ApiErrorBody } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

export interface Version { version: string; label: string; inForce: boolean; firstUsedAt: string | null; activatedBy: string | null; activatedAt: string | null; reason: string | null }
export interface Change { path: string; kind: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }
export interface WhatIf {
  mode: 'live' | 'counterfactual' | 'not_applicable';
  version: string; loansExamined: number; changed: number; unresolved: number; overduePoishaChanged: number; outstandingPoishaChanged: number;
  byTransition: Record<string, number>;
  loans: { loanId: string; code: string; borrowerName: string; statusNow: string; statusProposed: string; rule: string | null; overduePoisha: number; outstandingPoisha: number }[];
}

const q = encodeURIComponent;

export const load: PageServerLoad = async (event) => {
  const kind = event.params.kind;
  const { items } = await apiGet<{ items: Version[] }>(event, `/api/rules/${q(kind)}/versions`);
  const to = items.find((v) => v.version === event.url.searchParams.get('to')) ?? items.find((v) => v.inForce) ?? items[0] ?? null;
  const from = items.find((v) => v.version === event.url.searchParams.get('from')) ?? items.find((v) => v !== to) ?? null;
  const diff = from && to && from !== to ? await apiGet<{ changes: Change[] }>(event, `/api/rules/${q(kind)}/diff?from=${q(from.version)}&to=${q(to.version)}`) : null;
  const editable = event.locals.user?.role === 'hq_admin';
  const inForce = editable ? (await apiGet<{ files: { kind: string; version: string; content: unknown }[] }>(event, '/api/rules')).files.find((f) => f.kind === kind) : null;
  return {
    kind, versions: items, from: from?.version ?? null, to: to?.version ?? null, changes: diff?.changes ?? [],
    editable, draft: inForce ? JSON.stringify(inForce.content, null, 2) : '', basedOn: inForce?.version ?? '',
  };
};

async function fields(event: Parameters<Actions[string]>[0]) {
  const form = await event.request.formData();
  return { content: String(form.get('content') ?? ''), reason: String(form.get('reason') ?? '').trim(), basedOn: String(form.get('basedOn') ?? '') };
}

/** The API's refusal, with the JSON path inside the file when it names one. */
const refusal = (status: number, input: Awaited<ReturnType<typeof fields>>, error: ApiErrorBody) =>
  fail(status, { ...input, error: { ...error, path: error.field?.startsWith('content.') ? error.field.slice('content.'.length) : null } });

export const actions: Actions = {
  whatIf: async (event) => {
    const input = await fields(event);
    const res = await apiSend<WhatIf>(event, `/api/rules/${q(event.params.kind)}/what-if`, { content: input.content });
    if (!res.ok) return refusal(res.failure.status, input, res.failure.data.error);
    return { ...input, whatIf: res.data };
  },
  activate: async (event) => {
    const input = await fields(event);
    if (input.reason.length < 5) return fail(400, { ...input, error: { code: 'BAD_REQUEST', message: '', field: 'reason', path: null } });
    const res = await apiSend<{ version: string; previous: string }>(event, `/api/rules/${q(event.params.kind)}`, { content: input.content, reason: input.reason, ...(input.basedOn ? { basedOn: input.basedOn } : {}) }, 'PUT');
    if (!res.ok) return refusal(res.failure.status, input, res.failure.data.error);
    return { activated: res.data.version, previous: res.data.previous };
  },
};
