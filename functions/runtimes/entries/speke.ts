/**
 * Lambda entry for the SPEKE key server (bundled by components/aws with esbuild). It composes the SPEKE area only
 * (no delivery or license code in the bundle) and reads only its own sections of `KEYPLANE_CONFIG`.
 */
import { composeApp } from "../../compose";
import { configJsonFromEnv, parseConfigSection } from "../../config-env";
import { contentKeyRegistryConfigSchema, createContentKeyRegistry } from "../../registry/config";
import { spekeConfigSchema } from "../../speke/config";
import { spekeRoutes } from "../../speke/routes";
import { lambdaContext, lambdaHandler } from "../lambda";
import * as z from "../../zod";

function build() {
  const json = configJsonFromEnv();
  const speke = parseConfigSection(z.prefault(spekeConfigSchema, {}), json.speke, "speke");
  const contentKeyRegistry = parseConfigSection(
    contentKeyRegistryConfigSchema,
    json.contentKeyRegistry,
    "contentKeyRegistry",
  );
  return composeApp(
    lambdaContext(),
    { speke, contentKeyRegistry },
    { speke: spekeRoutes, createContentKeyRegistry },
    { areas: ["speke"] },
  );
}

export const handler = lambdaHandler(build());
