/**
 * Turns the plain rules into `@pulumi/policy` resource validation policies. Only types come from `@pulumi/policy`: the
 * pack folder (policy-pack/pulumi/index.js) brings its own copy and constructs the `PolicyPack`, which serves.
 */
import type { PolicyPackArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configSchemaFor, rules, ruleConfigFor, runRule, type RuleConfig, type RuleDefinition } from "./rules";

export const PACK_NAME = "keyplane-content-protection";

export function toPolicy(rule: RuleDefinition): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: configSchemaFor(rule) as ResourceValidationPolicy["configSchema"],
    validateResource: (args, reportViolation) => {
      // The pack already applied enforcement levels; only the rule's own settings matter here.
      const { config } = ruleConfigFor(rule, {
        [rule.name]: args.getConfig<Partial<RuleConfig>>() as Record<string, unknown>,
      });
      for (const v of runRule(rule, { type: args.type, urn: args.urn, name: args.name, props: args.props }, config)) {
        reportViolation(v.path ? `${v.message} [${v.path}]` : v.message);
      }
    },
  };
}

export function policyPackArgs(): PolicyPackArgs {
  return {
    description:
      "Keyplane content protection review: key delivery restrictions, DRM license levels, SPEKE auth, secrets and MediaPackage encryption.",
    displayName: "Keyplane content protection",
    enforcementLevel: "mandatory",
    policies: rules.map(toPolicy),
  };
}
