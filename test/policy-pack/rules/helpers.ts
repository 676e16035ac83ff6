import { ruleConfigFor, type ResourceUnderReview, type RuleConfig, type RuleDefinition } from "../../../policy-pack/rules";

/** Run one rule with its default configuration plus overrides (as the pack and the review do). */
export function run(rule: RuleDefinition, r: ResourceUnderReview, overrides: Partial<RuleConfig> = {}) {
  return rule.check(r, ruleConfigFor(rule, {}, overrides).config);
}
