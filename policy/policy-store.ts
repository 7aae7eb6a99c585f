import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { POLICY_KINDS, type PolicyKind } from './schema';
import { PolicyFileError, validatePolicyFile, type LoadedFile } from './validate-file';

export interface PolicySet {
  files: { [K in PolicyKind]: LoadedFile<K> };
  /** One version for the whole set: changes whenever any file changes. */
  version: string;
}

export interface RefusedFile {
  file: string;
  path: string;
  reason: string;
  at: Date;
}

/**
 * Holds the policy in force. Files are re-read when they change on disk (checked at most every
 * `recheckMs`); a file that fails validation is refused, reported, and the last good version of
 * that file stays in force. Starting with no good version of a file is an error.
 */
export class PolicyStore {
  private current: PolicySet | null = null;
  private refused = new Map<PolicyKind, RefusedFile>();
  private mtimes = new Map<PolicyKind, number>();
  private lastCheck = 0;
  private loading: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly opts: { recheckMs?: number; onRefused?: (r: RefusedFile) => void } = {},
  ) {}

  static async open(dir: string, opts?: { recheckMs?: number; onRefused?: (r: RefusedFile) => void }): Promise<PolicyStore> {
    const store = new PolicyStore(dir, opts);
    await store.reload();
    return store;
  }

  fileOf(kind: PolicyKind): string {
    return path.join(this.dir, `${kind}.json`);
  }

  /** Policy in force now, re-reading changed files first. */
  async get(): Promise<PolicySet> {
    if (Date.now() - this.lastCheck >= (this.opts.recheckMs ?? 1000)) await this.reload();
    return this.current!;
  }

  refusedFiles(): RefusedFile[] {
    return [...this.refused.values()];
  }

  async reload(): Promise<void> {
    this.loading ??= this.doReload().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async doReload(): Promise<void> {
    this.lastCheck = Date.now();
    const files: Partial<Record<PolicyKind, LoadedFile>> = { ...this.current?.files };
    const problems: PolicyFileError[] = [];
    for (const kind of POLICY_KINDS) {
      const file = this.fileOf(kind);
      try {
        const { mtimeMs } = await stat(file);
        if (this.current && this.mtimes.get(kind) === mtimeMs) continue;
        const raw = await readFile(file, 'utf8');
        if (files[kind]?.raw === raw) {
          this.mtimes.set(kind, mtimeMs);
          this.refused.delete(kind);
          continue;
        }
        files[kind] = await validatePolicyFile(file, kind, raw);
        this.mtimes.set(kind, mtimeMs);
        this.refused.delete(kind);
      } catch (err) {
        const problem =
          err instanceof PolicyFileError
            ? err
            : new PolicyFileError(file, '', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : (err as Error).message);
        problems.push(problem);
        const refusal = { file: problem.file, path: problem.path, reason: problem.reason, at: new Date() };
        const previous = this.refused.get(kind);
        this.refused.set(kind, refusal);
        if (previous?.reason !== refusal.reason || previous.path !== refusal.path) this.opts.onRefused?.(refusal);
      }
    }
    const missing = POLICY_KINDS.filter((k) => !files[k]);
    if (missing.length > 0) {
      const details = problems.map((p) => p.message).join('\n  ');
      throw new Error(`policy in ${this.dir} cannot be loaded; no good version of: ${missing.join(', ')}\n  ${details}`);
    }
    const complete = files as PolicySet['files'];
    const version = `rs+${createHash('sha256')
      .update(POLICY_KINDS.map((k) => complete[k].version).join('\n'))
      .digest('hex')
      .slice(0, 12)}`;
    this.current = { files: complete, version };
  }
}
