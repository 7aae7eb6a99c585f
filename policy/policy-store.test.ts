import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PolicyStore, type RefusedFile } from './policy-store';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
const FAST_RULES = fileURLToPath(new URL('../tests/fixtures/rules-fast', import.meta.url));
const KINDS = ['products', 'holidays', 'deadline', 'reminders', 'grace', 'late-payment', 'default'] as const;
type Kind = (typeof KINDS)[number];
// Policy files are free-form JSON to the tests that break them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function copyRules(from = RULES): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'asrayon-policy-store-'));
  dirs.push(dir);
  await cp(from, dir, { recursive: true });
  return dir;
}

const fileOf = (dir: string, kind: Kind) => path.join(dir, `${kind}.json`);

// Change detection is by modification time: give every rewrite a clearly different one.
let bumps = 0;
async function touch(file: string): Promise<void> {
  bumps += 1;
  const at = new Date(Date.now() + bumps * 60_000);
  await utimes(file, at, at);
}

async function writeRaw(dir: string, kind: Kind, raw: string): Promise<void> {
  await writeFile(fileOf(dir, kind), raw);
  await touch(fileOf(dir, kind));
}

async function editJson(dir: string, kind: Kind, edit: (json: Json) => void): Promise<string> {
  const json = JSON.parse(await readFile(fileOf(dir, kind), 'utf8')) as Json;
  edit(json);
  const raw = JSON.stringify(json, null, 2);
  await writeRaw(dir, kind, raw);
  return raw;
}

const expectedVersion = (raw: string) => `${(JSON.parse(raw) as { label: string }).label}+${createHash('sha256').update(raw).digest('hex').slice(0, 12)}`;

describe('PolicyStore: loading good policy', () => {
  it('loads every real policy file, each versioned as its label plus the hash of exactly what is on disk', async () => {
    const dir = await copyRules();
    const store = await PolicyStore.open(dir, { recheckMs: 0 });
    const set = await store.get();
    for (const kind of KINDS) {
      const raw = await readFile(fileOf(dir, kind), 'utf8');
      expect(set.files[kind].version).toBe(expectedVersion(raw));
      expect(set.files[kind].version).toMatch(/^.+\+[0-9a-f]{12}$/);
      expect(set.files[kind].kind).toBe(kind);
      expect(set.files[kind].file).toBe(fileOf(dir, kind));
    }
    expect(set.files.products.version.startsWith('2026-11 pilot+')).toBe(true);
    expect(set.files.products.content.products.map((p) => p.code)).toEqual(['ASH-STD', 'ASH-WEEKLY', 'ASH-LONG']);
    expect(set.version).toMatch(/^rs\+[0-9a-f]{12}$/);
    expect(store.refusedFiles()).toEqual([]);
  });

  it('loads the fast test fixtures', async () => {
    const store = new PolicyStore(await copyRules(FAST_RULES), { recheckMs: 0 });
    const set = await store.get();
    expect(set.files.products.content.products.map((p) => p.code)).toEqual(['FAST', 'MONTHLY']);
    expect(set.files.grace.version.startsWith('test+')).toBe(true);
  });

  it('gives the same versions to the same content in another folder', async () => {
    const a = await (await PolicyStore.open(await copyRules(), { recheckMs: 0 })).get();
    const b = await (await PolicyStore.open(await copyRules(), { recheckMs: 0 })).get();
    expect(b.version).toBe(a.version);
    expect(b.files.grace.version).toBe(a.files.grace.version);
  });

  it('gives the real rules and the fast fixtures different set versions', async () => {
    const real = await (await PolicyStore.open(await copyRules(), { recheckMs: 0 })).get();
    const fast = await (await PolicyStore.open(await copyRules(FAST_RULES), { recheckMs: 0 })).get();
    expect(fast.version).not.toBe(real.version);
    expect(fast.files.holidays.version).toBe(real.files.holidays.version); // the holidays file is identical
  });
});

interface BadCase {
  name: string;
  kind: Kind;
  spoil: (dir: string) => Promise<unknown>;
  path: string;
  reason: RegExp;
}

const badCases: BadCase[] = [
  {
    name: 'invalid JSON',
    kind: 'grace',
    spoil: (dir) => writeRaw(dir, 'grace', '{ "kind": "grace", "label": '),
    path: '',
    reason: /not valid JSON/,
  },
  {
    name: 'a grace that is not a duration',
    kind: 'grace',
    spoil: (dir) => editJson(dir, 'grace', (j) => (j.rules[0].event.params.grace = '3x')),
    path: 'rules[0].event.params.grace',
    reason: /is not a duration/,
  },
  {
    name: 'a file of the wrong kind',
    kind: 'deadline',
    spoil: (dir) => editJson(dir, 'deadline', (j) => (j.kind = 'grace')),
    path: 'kind',
    reason: /deadline/,
  },
  {
    name: 'quiet hours that are not a time of day',
    kind: 'reminders',
    spoil: (dir) => editJson(dir, 'reminders', (j) => (j.quietHours = { start: '9pm', end: '08:00' })),
    path: 'quietHours.start',
    reason: /must be HH:MM/,
  },
  {
    name: 'an unknown weekday',
    kind: 'deadline',
    spoil: (dir) => editJson(dir, 'deadline', (j) => j.rules[1].event.params.weekendDays.push('Funday')),
    path: 'rules[1].event.params.weekendDays[2]',
    reason: /.+/,
  },
  {
    name: 'a closing time that is not a time of day',
    kind: 'deadline',
    spoil: (dir) => editJson(dir, 'deadline', (j) => (j.rules[0].event.params.closesAt = '25:00')),
    path: 'rules[0].event.params.closesAt',
    reason: /time of day HH:MM/,
  },
  {
    name: 'a holiday on a date that does not exist',
    kind: 'holidays',
    spoil: (dir) => editJson(dir, 'holidays', (j) => (j.holidays[3].date = '2026-02-30')),
    path: 'holidays[3].date',
    reason: /not a calendar date/,
  },
  {
    name: 'a product whose minimum is above its maximum',
    kind: 'products',
    spoil: (dir) => editJson(dir, 'products', (j) => (j.products[1].minPrincipalPoisha = 3_000_000)),
    path: 'products[1].minPrincipalPoisha',
    reason: /larger than maxPrincipalPoisha/,
  },
  {
    name: 'a fractional service charge',
    kind: 'products',
    spoil: (dir) => editJson(dir, 'products', (j) => (j.products[0].serviceChargeBps = 512.5)),
    path: 'products[0].serviceChargeBps',
    reason: /.+/,
  },
  {
    name: 'a review interval that is not a duration',
    kind: 'default',
    spoil: (dir) => editJson(dir, 'default', (j) => (j.reviewEvery = 'daily')),
    path: 'reviewEvery',
    reason: /is not a duration/,
  },
  {
    name: 'an escalation that is neither default nor blacklist',
    kind: 'default',
    spoil: (dir) => editJson(dir, 'default', (j) => (j.rules[1].event.type = 'foreclose')),
    path: 'rules[1].event.type',
    reason: /.+/,
  },
  {
    name: 'conditions without all/any/not',
    kind: 'grace',
    spoil: (dir) => editJson(dir, 'grace', (j) => (j.rules[1].conditions = { fact: 'productCode', operator: 'equal', value: 'X' })),
    path: 'rules[1].conditions',
    reason: /all.*any/,
  },
  {
    name: 'an operator json-rules-engine does not know',
    kind: 'deadline',
    spoil: (dir) => editJson(dir, 'deadline', (j) => (j.rules[1].conditions.all[0].operator = 'equalz')),
    path: 'rules',
    reason: /Unknown operator: equalz/,
  },
  {
    name: 'a misspelt fact name in a resolution rule',
    kind: 'grace',
    spoil: (dir) => editJson(dir, 'grace', (j) => (j.rules[1].conditions.all[0].fact = 'prodctCode')),
    path: 'rules',
    reason: /Undefined fact: prodctCode/,
  },
  {
    name: 'a misspelt fact name in a default rule',
    kind: 'default',
    spoil: (dir) => editJson(dir, 'default', (j) => (j.rules[0].conditions.any[0].fact = 'missedInstalments')),
    path: 'rules',
    reason: /Undefined fact: missedInstalments/,
  },
  {
    name: 'no fallback rule',
    kind: 'grace',
    spoil: (dir) => editJson(dir, 'grace', (j) => j.rules.splice(0, 1)),
    path: 'rules',
    reason: /no rule applies.*fallback/,
  },
  {
    name: 'a duplicate rule name',
    kind: 'reminders',
    spoil: (dir) => editJson(dir, 'reminders', (j) => (j.rules[1].name = 'standard-reminders')),
    path: 'rules[1].name',
    reason: /"standard-reminders" appears twice/,
  },
  {
    name: 'a duplicate product code',
    kind: 'products',
    spoil: (dir) => editJson(dir, 'products', (j) => (j.products[2].code = 'ASH-STD')),
    path: 'products[2].code',
    reason: /ASH-STD appears twice/,
  },
  {
    name: 'a missing file',
    kind: 'late-payment',
    spoil: (dir) => rm(fileOf(dir, 'late-payment')),
    path: '',
    reason: /file is missing/,
  },
];

describe('PolicyStore: refusing a bad file', () => {
  it.each(badCases)('refuses to start on $name, naming the file, the path inside it and the reason', async ({ kind, spoil, path: where, reason }) => {
    const dir = await copyRules();
    await spoil(dir);
    const refusals: RefusedFile[] = [];
    const opening = PolicyStore.open(dir, { recheckMs: 0, onRefused: (r) => refusals.push(r) });
    await expect(opening).rejects.toThrow(`no good version of: ${kind}`);
    const err = (await opening.catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(fileOf(dir, kind));
    expect(err.message).toMatch(reason);
    if (where) expect(err.message).toContain(` at ${where}: `);
    expect(refusals).toEqual([{ file: fileOf(dir, kind), path: where, reason: expect.stringMatching(reason), at: expect.any(Date) }]);
  });

  it.each(badCases)('keeps the last good version in force when a running policy gets $name', async ({ kind, spoil, path: where, reason }) => {
    const dir = await copyRules();
    const onRefused = vi.fn<(r: RefusedFile) => void>();
    const store = await PolicyStore.open(dir, { recheckMs: 0, onRefused });
    const before = await store.get();
    await spoil(dir);
    const after = await store.get();
    expect(after.version).toBe(before.version);
    expect(after.files[kind].version).toBe(before.files[kind].version);
    expect(after.files[kind].content).toEqual(before.files[kind].content);
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused).toHaveBeenCalledWith({ file: fileOf(dir, kind), path: where, reason: expect.stringMatching(reason), at: expect.any(Date) });
    expect(store.refusedFiles()).toEqual([{ file: fileOf(dir, kind), path: where, reason: expect.stringMatching(reason), at: expect.any(Date) }]);
  });

  it('names every file it could not load when starting', async () => {
    const dir = await copyRules();
    await rm(fileOf(dir, 'grace'));
    await editJson(dir, 'products', (j) => (j.products[0].code = 'lower-case'));
    const err = (await PolicyStore.open(dir, { recheckMs: 0 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(dir);
    expect(err.message).toContain('no good version of: products, grace');
    expect(err.message).toContain(`${fileOf(dir, 'products')} at products[0].code: must be 2–20 capital letters, digits or dashes`);
    expect(err.message).toContain(`${fileOf(dir, 'grace')}: file is missing`);
  });
});

describe('PolicyStore: files changing while running', () => {
  it('reports a refusal once, reports a different problem again, and takes the fixed file', async () => {
    const dir = await copyRules();
    const onRefused = vi.fn<(r: RefusedFile) => void>();
    const store = new PolicyStore(dir, { recheckMs: 0, onRefused });
    const v1 = await store.get();

    await editJson(dir, 'grace', (j) => (j.rules[0].event.params.grace = '3x'));
    await store.get();
    await store.get();
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused.mock.calls[0]![0]).toMatchObject({ path: 'rules[0].event.params.grace' });

    await writeRaw(dir, 'grace', 'not json');
    expect((await store.get()).version).toBe(v1.version);
    expect(onRefused).toHaveBeenCalledTimes(2);
    expect(onRefused.mock.calls[1]![0]).toMatchObject({ file: fileOf(dir, 'grace'), path: '', reason: expect.stringMatching(/not valid JSON/) });
    expect(store.refusedFiles()).toHaveLength(1);

    const fixed = JSON.stringify({
      kind: 'grace',
      label: '2026-12 flood relief',
      rules: [{ name: 'standard-grace', priority: 1, conditions: { all: [] }, event: { type: 'grace', params: { grace: '20d' } } }],
    });
    await writeRaw(dir, 'grace', fixed);
    const v3 = await store.get();
    expect(v3.version).not.toBe(v1.version);
    expect(v3.version).toMatch(/^rs\+[0-9a-f]{12}$/);
    expect(v3.files.grace.version).toBe(expectedVersion(fixed));
    expect(v3.files.grace.version.startsWith('2026-12 flood relief+')).toBe(true);
    expect(v3.files.grace.content.rules[0]!.event.params.grace).toBe('20d');
    expect(v3.files.deadline.version).toBe(v1.files.deadline.version);
    expect(store.refusedFiles()).toEqual([]);
    expect(onRefused).toHaveBeenCalledTimes(2);
  });

  it('changes the version when the content changes even if the label does not', async () => {
    const dir = await copyRules();
    const store = await PolicyStore.open(dir, { recheckMs: 0 });
    const before = await store.get();
    const raw = await editJson(dir, 'grace', (j) => (j.description = 'reworded'));
    const after = await store.get();
    expect(after.files.grace.version).toBe(expectedVersion(raw));
    expect(after.files.grace.version).not.toBe(before.files.grace.version);
    expect(after.files.grace.version.split('+')[0]).toBe(before.files.grace.version.split('+')[0]);
    expect(after.version).not.toBe(before.version);
  });

  it('keeps the version when a file is touched without changing', async () => {
    const dir = await copyRules();
    const store = await PolicyStore.open(dir, { recheckMs: 0 });
    const before = await store.get();
    await touch(fileOf(dir, 'grace'));
    const after = await store.get();
    expect(after.version).toBe(before.version);
    expect(after.files.grace.version).toBe(before.files.grace.version);
  });

  it('clears a refusal when the file is put back as it was', async () => {
    const dir = await copyRules();
    const original = await readFile(fileOf(dir, 'reminders'), 'utf8');
    const store = await PolicyStore.open(dir, { recheckMs: 0 });
    const before = await store.get();
    await editJson(dir, 'reminders', (j) => (j.rules[1].name = 'standard-reminders'));
    await store.get();
    expect(store.refusedFiles()).toHaveLength(1);
    await writeRaw(dir, 'reminders', original);
    expect((await store.get()).version).toBe(before.version);
    expect(store.refusedFiles()).toEqual([]);
  });

  it('keeps a deleted file in force and takes it again when it comes back changed', async () => {
    const dir = await copyRules();
    const onRefused = vi.fn<(r: RefusedFile) => void>();
    const store = await PolicyStore.open(dir, { recheckMs: 0, onRefused });
    const before = await store.get();
    const original = await readFile(fileOf(dir, 'late-payment'), 'utf8');
    await rm(fileOf(dir, 'late-payment'));
    expect((await store.get()).files['late-payment'].version).toBe(before.files['late-payment'].version);
    expect(onRefused).toHaveBeenCalledWith(expect.objectContaining({ file: fileOf(dir, 'late-payment'), reason: 'file is missing' }));
    const changed = original.replace('"accept_late"', '"hold"');
    await writeRaw(dir, 'late-payment', changed);
    const after = await store.get();
    expect(after.files['late-payment'].content.rules[0]!.event.params.mode).toBe('hold');
    expect(after.files['late-payment'].version).toBe(expectedVersion(changed));
    expect(store.refusedFiles()).toEqual([]);
  });

  it('looks at the disk again only after recheckMs, unless asked to reload', async () => {
    const dir = await copyRules();
    const store = await PolicyStore.open(dir, { recheckMs: 3_600_000 });
    const before = await store.get();
    await editJson(dir, 'grace', (j) => (j.rules[0].event.params.grace = '20d'));
    expect((await store.get()).version).toBe(before.version);
    await store.reload();
    const after = await store.get();
    expect(after.version).not.toBe(before.version);
    expect(after.files.grace.content.rules[0]!.event.params.grace).toBe('20d');
  });

  it('does not change a policy set it has already handed out', async () => {
    const dir = await copyRules();
    const store = await PolicyStore.open(dir, { recheckMs: 0 });
    const before = await store.get();
    const snapshot = structuredClone({ version: before.version, grace: before.files.grace });
    await editJson(dir, 'grace', (j) => (j.rules[0].event.params.grace = '20d'));
    await store.get();
    expect({ version: before.version, grace: before.files.grace }).toEqual(snapshot);
  });
});
