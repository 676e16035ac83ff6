/**
 * Lambda entry for the key-delivery API: token service, ClearKey licenses, HLS AES-128 keys and the license proxy
 * (bundled by components/aws with esbuild; no SPEKE code in the bundle). It parses only its own sections of the
 * configuration. Policies must be configured (`KEYPLANE_DELIVERY_POLICIES` or a policy file): the seed-derived lab
 * policy exists for the local lab only and is refused here at cold start.
 */
import { composeApp } from "../../compose";
import { loadConfigSections } from "../../config-source";
import { deliveryConfigSchema, hasNoPolicySource } from "../../delivery/config";
import { deliveryRoutes } from "../../delivery/routes";
import { createUseCounter } from "../../delivery/use-counter";
import { KeyplaneError } from "../../errors";
import { licenseConfigSchema } from "../../license/config";
import { licenseRoutes } from "../../license/routes";
import { contentKeyRegistryConfigSchema, createContentKeyRegistry } from "../../registry/config";
import { lambdaContext, lambdaHandler } from "../lambda";
import * as z from "../../zod";

function build() {
  const { delivery, license, contentKeyRegistry } = loadConfigSections(
    {
      delivery: z.prefault(deliveryConfigSchema, {}),
      license: z.prefault(licenseConfigSchema, {}),
      contentKeyRegistry: contentKeyRegistryConfigSchema,
    },
    { overrides: { delivery: { lab: false } } },
  );
  if (hasNoPolicySource(delivery)) {
    throw new KeyplaneError(
      "CONFIG_INVALID",
      `Key delivery on Lambda needs policies: set ${delivery.policyEnv} (JSON) or delivery.policyFile (KEYPLANE_DELIVERY_POLICY_FILE); the lab policy is for the local lab only`,
      { status: 500 },
    );
  }
  return composeApp(
    lambdaContext(),
    { delivery, license, contentKeyRegistry },
    { delivery: deliveryRoutes, license: licenseRoutes, createContentKeyRegistry, createUseCounter },
    { areas: ["delivery", "license"] },
  );
}

export const handler = lambdaHandler(build());
