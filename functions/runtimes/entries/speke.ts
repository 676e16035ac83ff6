/**
 * Lambda entry for the SPEKE key server (bundled by components/aws with esbuild). It composes the SPEKE area only
 * (no delivery or license code in the bundle) and parses only its own sections of the configuration (`KEYPLANE_CONFIG`
 * plus the environment overrides).
 */
import { composeApp } from "../../compose";
import { loadConfigSections } from "../../config-source";
import { contentKeyRegistryConfigSchema, createContentKeyRegistry } from "../../registry/config";
import { spekeConfigSchema } from "../../speke/config";
import { spekeRoutes } from "../../speke/routes";
import { lambdaContext, lambdaHandler } from "../lambda";
import * as z from "../../zod";

function build() {
  const { speke, contentKeyRegistry } = loadConfigSections({
    speke: z.prefault(spekeConfigSchema, {}),
    contentKeyRegistry: contentKeyRegistryConfigSchema,
  });
  return composeApp(
    lambdaContext(),
    { speke, contentKeyRegistry },
    { speke: spekeRoutes, createContentKeyRegistry },
    { areas: ["speke"] },
  );
}

export const handler = lambdaHandler(build());
