/**
 * The whole runtime configuration, validated once at start-up: one section per area, each with safe defaults, so
 * `{}` is a working lab configuration. Errors name the bad path (`speke.maxContentKeys: ...`).
 */
import * as z from "./zod";
import { KeyplaneError } from "./errors";
import { formatIssues } from "./validation";
import { spekeConfigSchema } from "./speke/config";
import { deliveryConfigSchema } from "./delivery/config";
import { licenseConfigSchema } from "./license/config";
import { contentKeyRegistryConfigSchema } from "./registry/config";

export const keyplaneConfigSchema = z.strictObject({
  speke: z.prefault(spekeConfigSchema, {}),
  delivery: z.prefault(deliveryConfigSchema, {}),
  license: z.prefault(licenseConfigSchema, {}),
  /** Where SPEKE records which content id each served KID belongs to, and where key delivery looks it up. */
  contentKeyRegistry: contentKeyRegistryConfigSchema,
});

export type KeyplaneConfig = z.infer<typeof keyplaneConfigSchema>;
export type KeyplaneConfigInput = z.input<typeof keyplaneConfigSchema>;

export function parseKeyplaneConfig(input: unknown, origin = "configuration"): KeyplaneConfig {
  const r = keyplaneConfigSchema.safeParse(input ?? {});
  if (!r.success)
    throw new KeyplaneError("CONFIG_INVALID", `Invalid ${origin}: ${formatIssues(r.error)}`, { status: 500 });
  return r.data;
}

/** Reads JSON configuration from an environment variable (Lambda: `KEYPLANE_CONFIG`). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, name = "KEYPLANE_CONFIG"): KeyplaneConfig {
  const text = env[name];
  if (!text) return parseKeyplaneConfig({}, name);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyplaneError("CONFIG_INVALID", `${name} is not valid JSON`, { status: 500 });
  }
  return parseKeyplaneConfig(json, name);
}
