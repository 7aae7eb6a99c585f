// What changed between two versions of a policy file: every path added, removed or changed, with
// the values before and after. Arrays are compared position by position (rules keep their order).
export interface PolicyChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

export function diffPolicy(before: unknown, after: unknown, path = ''): PolicyChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: PolicyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ path: join(path, i), kind: 'added', after: after[i] });
      else if (i >= after.length) out.push({ path: join(path, i), kind: 'removed', before: before[i] });
      else out.push(...diffPolicy(before[i], after[i], join(path, i)));
    }
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const out: PolicyChange[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!(key in before)) out.push({ path: join(path, key), kind: 'added', after: after[key] });
      else if (!(key in after)) out.push({ path: join(path, key), kind: 'removed', before: before[key] });
      else out.push(...diffPolicy(before[key], after[key], join(path, key)));
    }
    return out;
  }
  return Object.is(before, after) || JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(whole file)', kind: 'changed', before, after }];
}
