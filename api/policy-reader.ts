// The API process has no policy store of its own; it reads the same rules folder as the worker
// (RULES_DIR, default ./rules), opened on first use and re-read when a file changes.
import path from 'node:path';
import { PolicyStore, type PolicySet, type RefusedFile } from '../policy/policy-store';

export interface PolicyReader {
  get(): Promise<PolicySet>;
  /** Files refused on their last load (the last good version stays in force). */
  refusedFiles?(): RefusedFile[] | Promise<RefusedFile[]>;
  /** The rules folder, for activating a new version of a file. */
  readonly dir?: string;
  /** Re-reads the folder now (after a file was written), instead of at the next check. */
  reload?(): Promise<void>;
}

export function policyReader(dir = process.env.RULES_DIR ?? 'rules'): PolicyReader {
  let store: Promise<PolicyStore> | null = null;
  const open = () =>
    (store ??= PolicyStore.open(path.resolve(dir)).catch((err: unknown) => {
      store = null;
      throw err;
    }));
  return {
    dir: path.resolve(dir),
    reload: async () => (await open()).reload(),
    get: async () => (await open()).get(),
    refusedFiles: async () => {
      const s = await open();
      await s.get(); // re-reads changed files first
      return s.refusedFiles();
    },
  };
}
