import { parseDuration } from '../domain/duration';
import type { CorrectionChainPolicy } from '../domain/corrections';
import type { PolicySet } from './policy-store';
import { pick } from './resolve-policy';
import type { PolicyFile } from './schema';

export interface ChainFacts extends Record<string, unknown> {
  recordKind: 'borrower' | 'loan';
  fields: string[];
  affectsMoney: boolean;
  districtCode: string;
  upazilaCode: string;
}

/** The approval chain for one correction request, with the rule and version that chose it. */
export async function resolveCorrectionChain(set: PolicySet, facts: ChainFacts): Promise<CorrectionChainPolicy> {
  const { params, ref } = await pick(set.files.corrections, facts);
  const p = params as PolicyFile<'corrections'>['rules'][number]['event']['params'];
  return {
    steps: p.steps,
    stepTimeoutMs: parseDuration(p.stepTimeout),
    remindBeforeMs: parseDuration(p.remindBefore),
    onTimeout: p.onTimeout,
    rule: ref,
  };
}
