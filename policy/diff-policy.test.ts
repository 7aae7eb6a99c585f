import { describe, expect, it } from 'vitest';
import { diffPolicy } from './diff-policy';

describe('diffPolicy', () => {
  it('names every changed, added and removed path, and nothing else', () => {
    const before = { kind: 'grace', label: 'a', rules: [{ name: 'std', event: { params: { grace: '15d' } } }, { name: 'weekly', event: { params: { grace: '3d' } } }] };
    const after = { kind: 'grace', label: 'b', description: 'new', rules: [{ name: 'std', event: { params: { grace: '10d' } } }] };
    expect(diffPolicy(before, after)).toEqual([
      { path: 'label', kind: 'changed', before: 'a', after: 'b' },
      { path: 'rules[0].event.params.grace', kind: 'changed', before: '15d', after: '10d' },
      { path: 'rules[1]', kind: 'removed', before: { name: 'weekly', event: { params: { grace: '3d' } } } },
      { path: 'description', kind: 'added', after: 'new' },
    ]);
  });

  it('finds no change between equal files, and a change of type at the root', () => {
    expect(diffPolicy({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(diffPolicy([1], { 0: 1 })).toEqual([{ path: '(whole file)', kind: 'changed', before: [1], after: { 0: 1 } }]);
  });
});
