// Loans live for years, so workflow code changes while they run. Every history recorded by
// scripts/record-histories.ts from released code must replay against today's code; a change that
// breaks one needs patched() / worker versioning, not a silent fix.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';

const DIR = path.resolve(import.meta.dirname, '../tests/fixtures/histories');

describe('workflow histories from released code', async () => {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(await readFile(path.join(DIR, file), 'utf8')));
    const code = await readFile(inject('workflowBundlePath'), 'utf8');
    await Worker.runReplayHistory({ workflowBundle: { code } }, history, file.replace(/\.json$/, ''));
  });
});
