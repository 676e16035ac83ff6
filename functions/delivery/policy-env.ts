/** Policies from an environment variable (the Lambda configuration): JSON, parsed once, on first use. */
import { KeyplaneError } from "../errors";
import { parseKeyDeliveryPolicies, PolicyIndex } from "../policy/bindings";
import type { DeliveryConfig } from "./config";
import type { PolicyStore } from "./policy-store";

export function envPolicyStore(config: DeliveryConfig, inline: string): PolicyStore {
  let index: PolicyIndex | undefined;
  return {
    mode: "env",
    current() {
      return index;
    },
    async get() {
      if (!index) {
        let json: unknown;
        try {
          json = JSON.parse(inline);
        } catch (e) {
          throw new KeyplaneError(
            "POLICY_INVALID",
            `Environment variable ${config.policyEnv} is not JSON: ${(e as Error).message}`,
            { status: 500, expose: false },
          );
        }
        index = new PolicyIndex(parseKeyDeliveryPolicies(json, `environment variable ${config.policyEnv}`));
      }
      return index;
    },
  };
}
