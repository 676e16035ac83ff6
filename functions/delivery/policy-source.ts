/**
 * Where key delivery gets its policies, one store per kind: the policy file (policy-file.ts), the policy env var
 * (policy-env.ts), or the LAB policy derived from the seed (lab.ts). Without one (and outside the lab) start-up fails.
 */
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import type { DeliveryConfig } from "./config";
import { labPolicyStore } from "./lab";
import { envPolicyStore } from "./policy-env";
import { filePolicyStore } from "./policy-file";
import type { PolicyStore } from "./policy-store";

export function createPolicyStore(
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  env: Record<string, string | undefined> = process.env,
): PolicyStore {
  if (config.policyFile) return filePolicyStore(ctx, config.policyFile, config.policyCacheTtlSeconds);
  const inline = env[config.policyEnv];
  if (inline) return envPolicyStore(config, inline);
  if (!config.lab) {
    throw new KeyplaneError(
      "POLICY_SOURCE_MISSING",
      `Key delivery has no content key policies: set delivery.policyFile (KEYPLANE_DELIVERY_POLICY_FILE) or the ${config.policyEnv} environment variable; the seed-derived lab policy is only for the local lab (lab: true)`,
      { status: 500, expose: false },
    );
  }
  return labPolicyStore(ctx);
}
