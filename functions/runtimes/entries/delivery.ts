/**
 * Lambda entry for the key-delivery API: token service, ClearKey licenses, HLS AES-128 keys and the license proxy
 * (bundled by components/aws with esbuild; no SPEKE code in the bundle). Policies must be configured
 * (`KEYPLANE_DELIVERY_POLICIES` or a policy file): the seed-derived lab policy exists for the local lab only and is
 * refused here at cold start.
 */
import { composeApp } from "../../compose";
import { configJsonFromEnv, parseConfigSection } from "../../config-env";
import { deliveryConfigSchema, hasNoPolicySource, loadDeliveryConfig } from "../../delivery/config";
import { deliveryRoutes } from "../../delivery/routes";
import { createUseCounter } from "../../delivery/use-counter";
import { KeyplaneError } from "../../errors";
import { licenseConfigSchema } from "../../license/config";
import { licenseRoutes } from "../../license/routes";
import { contentKeyRegistryConfigSchema, createContentKeyRegistry } from "../../registry/config";
import { lambdaContext, lambdaHandler } from "../lambda";
import * as z from "../../zod";

function build() {
  const json = configJsonFromEnv();
  parseConfigSection(z.prefault(deliveryConfigSchema, {}), json.delivery, "delivery"); // checked; the knobs below win
  const license = parseConfigSection(z.prefault(licenseConfigSchema, {}), json.license, "license");
  const contentKeyRegistry = parseConfigSection(
    contentKeyRegistryConfigSchema,
    json.contentKeyRegistry,
    "contentKeyRegistry",
  );
  const delivery = loadDeliveryConfig({ overrides: { lab: false } });
  if (hasNoPolicySource(delivery)) {
    throw new KeyplaneError(
      "CONFIG_INVALID",
      `Key delivery on Lambda needs policies: set ${delivery.policyEnv} (JSON) or KEYPLANE_POLICY_FILE; the lab policy is for the local lab only`,
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
