// Workflow code must be deterministic: it may import only the workflow SDK, its own definitions and
// the pure domain code, never Node built-ins, I/O libraries or activity implementations.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

async function importsOf(dir: string): Promise<{ file: string; spec: string; typeOnly: boolean }[]> {
  const files = (await readdir(path.join(root, dir))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const out: { file: string; spec: string; typeOnly: boolean }[] = [];
  for (const f of files) {
    const text = await readFile(path.join(root, dir, f), 'utf8');
    for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) out.push({ file: `${dir}/${f}`, spec: m[2]!, typeOnly: !!m[1] });
  }
  return out;
}

describe('determinism guard', () => {
  it('workflows import only the workflow SDK, their definitions and pure domain code', async () => {
    const bad = (await importsOf('workflows')).filter(
      (i) => !i.typeOnly && !(i.spec === '@temporalio/workflow' || i.spec.startsWith('./') || i.spec.startsWith('../domain/')),
    );
    expect(bad).toEqual([]);
  });

  it('domain code imports nothing with side effects', async () => {
    const bad = (await importsOf('domain')).filter((i) => !i.typeOnly && !i.spec.startsWith('./'));
    expect(bad).toEqual([]);
  });
});
