import { evaluateDefault, type DefaultEvaluation } from '../policy/evaluate-default';
import type { ActivityDeps } from '.';
import { rememberRuleVersions } from './rule-versions';

export function createRuleActivities({ sql, policy }: ActivityDeps) {
  return {
    /** The default/blacklist rules in force now, run on the loan's facts; the answer names the rule and version. */
    async evaluateDefaultRules(facts: Record<string, unknown>): Promise<DefaultEvaluation> {
      const set = await policy.get();
      await rememberRuleVersions(sql, [set.files.default]);
      return evaluateDefault(set, facts);
    },
  };
}
