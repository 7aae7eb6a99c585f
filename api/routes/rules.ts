// The policy in force, for officers to read and headquarters to change: every rule file with its
// version and any refusal of its latest edit, every version each file has had (rule_versions), the
// difference between two versions, a what-if of a proposed file on today's portfolio, and
// activation of a new version (hq_admin only; validated, written atomically, recorded in rule_changes).
import { createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diffPolicy } from '../../policy/diff-policy';
import { POLICY_KINDS, type PolicyKind } from '../../policy/schema';
import { PolicyFileError, validatePolicyFile, type LoadedFile } from '../../policy/validate-file';
import { isStatusKind, whatIf } from '../../policy/what-if';
import { requireActor } from '../access/require-actor';
import { scopeFilter } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { policyReader } from '../policy-reader';

const KindParam = z.object({ kind: z.enum(POLICY_KINDS as [PolicyKind, ...PolicyKind[]]) });
const Refusal = z.object({ path: z.string(), reason: z.string(), at: z.string() }).openapi('RuleFileRefusal');
const RuleFile = z
  .object({
    kind: z.string(), label: z.string(), version: z.string(), description: z.string().nullable(), content: z.unknown(),
    refused: Refusal.nullable().describe('the latest edit of this file on disk was refused; the version shown stays in force'),
  })
  .openapi('RuleFile');
const Version = z
  .object({
    version: z.string(), label: z.string(), inForce: z.boolean(),
    firstUsedAt: z.string().nullable().describe('when a decision first used it (null: in force, not used yet)'),
    activatedBy: z.string().nullable(), activatedAt: z.string().nullable(), reason: z.string().nullable(),
  })
  .openapi('RuleVersion');
const Change = z.object({ path: z.string(), kind: z.enum(['added', 'removed', 'changed']), before: z.unknown().optional(), after: z.unknown().optional() }).openapi('RuleChange');
const Proposal = z.object({ content: z.string().min(2).max(200_000).describe('the whole file, as JSON text') });
const WhatIf = z
  .object({
    mode: z.enum(['live', 'counterfactual', 'not_applicable']).describe('live: default rules, read by every open loan now; counterfactual: a file pinned per loan at disbursement, compared as if today\'s loans had been disbursed under it; not_applicable: the file moves no loan status'),
    applies: z.boolean(), note: z.string().nullable(), version: z.string(),
    loansExamined: z.number(), changed: z.number(), unresolved: z.number(), overduePoishaChanged: z.number(), outstandingPoishaChanged: z.number(),
    byTransition: z.record(z.string(), z.number()),
    loans: z.array(z.object({ loanId: z.string(), code: z.string(), borrowerName: z.string(), officeId: z.string(), statusNow: z.string(), statusProposed: z.string(), rule: z.string().nullable(), overduePoisha: z.number(), outstandingPoisha: z.number() })),
  })
  .openapi('RuleWhatIf');

const routes = {
  list: createRoute({
    method: 'get', path: '/api/rules', summary: 'The policy in force: every rule file, and files whose latest edit was refused',
    responses: { 200: { description: 'rules', content: { 'application/json': { schema: z.object({ ruleSetVersion: z.string(), files: z.array(RuleFile), refused: z.array(z.object({ file: z.string(), path: z.string(), reason: z.string(), at: z.string() })) }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN') },
  }),
  versions: createRoute({
    method: 'get', path: '/api/rules/{kind}/versions', summary: "A rule file's versions, newest first, with who activated each and why",
    request: { params: KindParam },
    responses: { 200: { description: 'versions', content: { 'application/json': { schema: z.object({ items: z.array(Version) }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST') },
  }),
  diff: createRoute({
    method: 'get', path: '/api/rules/{kind}/diff', summary: 'What changed between two versions of a rule file: every path added, removed or changed',
    request: { params: KindParam, query: z.object({ from: z.string().min(1).max(200), to: z.string().min(1).max(200) }) },
    responses: { 200: { description: 'the difference', content: { 'application/json': { schema: z.object({ from: z.object({ version: z.string(), label: z.string() }), to: z.object({ version: z.string(), label: z.string() }), changes: z.array(Change) }) } } }, ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST', 'NOT_FOUND') },
  }),
  whatIf: createRoute({
    method: 'post', path: '/api/rules/{kind}/what-if', summary: "Validate a proposed rule file exactly as the loader does and show which of today's open loans (in your scope) it would move to another status",
    request: { params: KindParam, body: { content: { 'application/json': { schema: Proposal } }, required: true } },
    responses: { 200: { description: 'the effect', content: { 'application/json': { schema: WhatIf } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN') },
  }),
  activate: createRoute({
    method: 'put', path: '/api/rules/{kind}', summary: 'Activate a new version of a rule file (headquarters policymakers only): validated, written atomically, recorded with the reason',
    request: {
      params: KindParam,
      body: { content: { 'application/json': { schema: Proposal.extend({ reason: z.string().trim().min(5).max(1000), basedOn: z.string().max(200).optional().describe('the version the edit started from; refused with 409 when another version has been activated since') }) } }, required: true },
    },
    responses: { 200: { description: 'in force', content: { 'application/json': { schema: z.object({ version: z.string(), previous: z.string() }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT') },
  }),
};

/** The proposed file, validated exactly as the loader validates it; a refusal names the path inside the file. */
async function validated(kind: PolicyKind, raw: string): Promise<LoadedFile> {
  try {
    return await validatePolicyFile(`${kind}.json`, kind, raw);
  } catch (err) {
    if (err instanceof PolicyFileError) throw new ApiError('BAD_REQUEST', `${err.path ? `${err.path}: ` : ''}${err.reason}`, err.path ? `content.${err.path}` : 'content');
    throw err;
  }
}

const NOTES = {
  live: 'default rules are read by every open loan at its next review: the loans listed would change status once the file is activated',
  counterfactual: 'open loans keep the rules pinned when they were disbursed, so activating this file changes none of them; the figures compare today\'s open loans as if they had been disbursed under the current and the proposed file — loans disbursed after activation follow the proposal',
  not_applicable: 'this file decides no loan status (products and reminders are pinned at disbursement and move no status; corrections and notices concern requests and societies); what-if does not apply',
} as const;

export function registerRules(app: App, deps: AppDeps): void {
  const policy = deps.policy ?? policyReader();
  const officer = (c: Parameters<typeof requireActor>[0]) => {
    const actor = requireActor(c);
    if (actor.role === 'society_rep') throw new ApiError('FORBIDDEN', 'the rules are for officers');
    return actor;
  };
  const refusals = async () => ((await policy.refusedFiles?.()) ?? []).map((r) => ({ file: path.basename(r.file), path: r.path, reason: r.reason, at: r.at.toISOString() }));

  app.openapi(routes.list, async (c) => {
    officer(c);
    const set = await policy.get();
    const refused = await refusals();
    const files = POLICY_KINDS.map((k) => {
      const f = set.files[k];
      const r = refused.find((x) => x.file === `${k}.json`);
      return { kind: k, label: f.label, version: f.version, description: (f.content as { description?: string }).description ?? null, content: f.content, refused: r ? { path: r.path, reason: r.reason, at: r.at } : null };
    });
    return c.json({ ruleSetVersion: set.version, files, refused }, 200);
  });

  /** Every stored version of a file, and the one in force even when no decision has used it yet. */
  async function versionsOf(kind: PolicyKind) {
    const inForce = (await policy.get()).files[kind];
    const rows = await deps.sql<{ version: string; label: string; firstUsedAt: string; content: unknown; activatedBy: string | null; activatedAt: string | null; reason: string | null }[]>`
      SELECT v.version, v.label, to_json(v.first_used_at)#>>'{}' AS "firstUsedAt",
        -- activities/rule-versions.ts has stored the content as a JSON string since the start; read either form.
        CASE WHEN jsonb_typeof(v.content) = 'string' THEN (v.content #>> '{}')::jsonb ELSE v.content END AS content,
        rc.name AS "activatedBy", to_json(rc.changed_at)#>>'{}' AS "activatedAt", rc.reason
      FROM rule_versions v
      LEFT JOIN LATERAL (
        SELECT u.name, r.changed_at, r.reason FROM rule_changes r JOIN users u ON u.id = r.changed_by
        WHERE r.kind = v.kind AND r.new_version = v.version ORDER BY r.changed_at DESC LIMIT 1
      ) rc ON true
      WHERE v.kind = ${kind} ORDER BY coalesce(rc.changed_at, v.first_used_at) DESC, v.version`;
    const items = rows.map((r) => ({ ...r, inForce: r.version === inForce.version }));
    if (!items.some((v) => v.inForce)) {
      items.unshift({ version: inForce.version, label: inForce.label, firstUsedAt: null as never, content: inForce.content, activatedBy: null, activatedAt: null, reason: null, inForce: true });
    }
    return items;
  }

  app.openapi(routes.versions, async (c) => {
    officer(c);
    const items = await versionsOf(c.req.valid('param').kind);
    return c.json({ items: items.map(({ content: _content, ...v }) => v) }, 200);
  });

  app.openapi(routes.diff, async (c) => {
    officer(c);
    const { kind } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    const items = await versionsOf(kind);
    const find = (v: string, field: string) => {
      const found = items.find((i) => i.version === v);
      if (!found) throw new ApiError('NOT_FOUND', `${kind} has no version ${v}`, field);
      return found;
    };
    const a = find(from, 'from');
    const b = find(to, 'to');
    return c.json({ from: { version: a.version, label: a.label }, to: { version: b.version, label: b.label }, changes: diffPolicy(a.content, b.content) }, 200);
  });

  app.openapi(routes.whatIf, async (c) => {
    const actor = officer(c);
    const { kind } = c.req.valid('param');
    const file = await validated(kind, c.req.valid('json').content);
    const mode = kind === 'default' ? 'live' : isStatusKind(kind) ? 'counterfactual' : 'not_applicable';
    const result = await whatIf(deps.sql, await policy.get(), file, scopeFilter(deps.sql, actor, 'l'));
    return c.json({ mode, applies: mode !== 'not_applicable', note: NOTES[mode], version: file.version, ...result }, 200);
  });

  app.openapi(routes.activate, async (c) => {
    const actor = requireActor(c);
    if (actor.role !== 'hq_admin') throw new ApiError('FORBIDDEN', 'only a headquarters policymaker (hq_admin) may change the rules');
    const { kind } = c.req.valid('param');
    const { content, reason, basedOn } = c.req.valid('json');
    const file = await validated(kind, content);
    if (!policy.dir) throw new ApiError('CONFLICT', 'this server does not know its rules folder');
    const check = (previous: string) => {
      if (previous === file.version) throw new ApiError('CONFLICT', 'this version is already in force', 'content');
      if (basedOn && basedOn !== previous) throw new ApiError('CONFLICT', `version ${previous} has been activated since you started editing ${basedOn}; reload the page and edit the version in force`, 'basedOn');
    };
    const set = await policy.get();
    check(set.files[kind].version);
    const effect = await whatIf(deps.sql, set, file, scopeFilter(deps.sql, actor, 'l'));
    const summary = { loansExamined: effect.loansExamined, changed: effect.changed, byTransition: effect.byTransition, overduePoishaChanged: effect.overduePoishaChanged };
    // Recorded and written together: the file is renamed into place inside the transaction, so a
    // failed write leaves no record and a failed record leaves the old file (the temp file is removed).
    // One activation per kind at a time: the version in force is read again under the lock.
    const target = path.join(policy.dir, `${kind}.json`);
    const temp = path.join(policy.dir, `.${kind}.json.${randomUUID()}.tmp`);
    let previous = '';
    try {
      await deps.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(hashtext('rule_changes'), hashtext(${kind}))`;
        await policy.reload?.();
        previous = (await policy.get()).files[kind].version;
        check(previous);
        await tx`INSERT INTO rule_versions (version, kind, label, content) VALUES (${file.version}, ${kind}, ${file.label}, ${tx.json(file.content as never)}) ON CONFLICT DO NOTHING`;
        await tx`INSERT INTO rule_changes (kind, old_version, new_version, reason, changed_by, what_if) VALUES (${kind}, ${previous}, ${file.version}, ${reason}, ${actor.id}, ${tx.json(summary)})`;
        // Written beside the file and renamed over it: the loader never sees half a file.
        await writeFile(temp, content);
        await rename(temp, target);
      });
    } finally {
      await rm(temp, { force: true });
    }
    await policy.reload?.();
    return c.json({ version: file.version, previous }, 200);
  });
}
