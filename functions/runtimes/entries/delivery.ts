/**
 * Lambda entry for the key-delivery API: token service, ClearKey licenses, HLS AES-128 keys and the license proxy
 * (bundled by components/aws with esbuild). Policies must be configured (`KEYPLANE_DELIVERY_POLICIES` or a policy
 * file): the seed-derived lab policy exists for the local lab only and is refused here at cold start.
 */
import { createApp } from "../../app";
import { configFromEnv } from "../../config";
import { hasNoPolicySource, loadDeliveryConfig } from "../../delivery/config";
import { KeyplaneError } from "../../errors";
import { lambdaContext, lambdaHandler } from "../lambda";

function build() {
  const base = configFromEnv();
  const delivery = loadDeliveryConfig({ overrides: { lab: false } });
  if (hasNoPolicySource(delivery)) {
    throw new KeyplaneError("CONFIG_INVALID", `Key delivery on Lambda needs policies: set ${delivery.policyEnv} (JSON) or KEYPLANE_POLICY_FILE; the lab policy is for the local lab only`, { status: 500 });
  }
  return createApp(lambdaContext(), { ...base, delivery }, { areas: ["delivery", "license"] });
}

export const handler = lambdaHandler(build());
