import { Engine } from 'json-rules-engine';
import type { RuleRef } from '../domain/types';
import type { PolicySet } from './policy-store';

export interface DefaultEvaluation {
  /** The strongest escalation any rule asked for, or null when none fired. */
  escalation: 'default' | 'blacklist' | null;
  rule: RuleRef | null;
  reason: string | null;
  /** Every rule that fired, for the record. */
  fired: string[];
  ruleSetVersion: string;
  facts: Record<string, unknown>;
}

/** Runs the default/blacklist rules on a loan's facts; blacklisting outranks defaulting. */
export async function evaluateDefault(set: PolicySet, facts: Record<string, unknown>): Promise<DefaultEvaluation> {
  const file = set.files.default;
  const engine = new Engine(file.content.rules as never[], { allowUndefinedFacts: false });
  const { results } = await engine.run(facts);
  const fired = results.filter((r) => r.result);
  const strongest =
    fired.find((r) => r.event?.type === 'blacklist') ?? fired.find((r) => r.event?.type === 'default') ?? null;
  const rule = strongest ? file.content.rules.find((r) => r.name === strongest.name)! : null;
  return {
    escalation: rule ? (rule.event.type as 'default' | 'blacklist') : null,
    rule: rule ? { kind: 'default', rule: rule.name, version: file.version } : null,
    reason: rule ? (rule.event.params?.reason ?? rule.name) : null,
    fired: fired.map((r) => String(r.name)),
    ruleSetVersion: set.version,
    facts,
  };
}
