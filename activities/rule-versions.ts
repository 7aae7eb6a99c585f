import type { Sql } from '../db/client';
import type { LoadedFile } from '../policy/validate-file';

const stored = new Set<string>();

/** Keeps a copy of every policy file version that decided something, so a decision can be re-read. */
export async function rememberRuleVersions(sql: Sql, files: LoadedFile[]): Promise<void> {
  const fresh = files.filter((f) => !stored.has(`${f.kind}:${f.version}`));
  if (fresh.length === 0) return;
  const rows = fresh.map((f) => ({ version: f.version, kind: f.kind, label: f.label, content: JSON.stringify(f.content) }));
  await sql`INSERT INTO rule_versions ${sql(rows, 'version', 'kind', 'label', 'content')} ON CONFLICT DO NOTHING`;
  fresh.forEach((f) => stored.add(`${f.kind}:${f.version}`));
}
