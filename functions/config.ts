/**
 * The one Keyplane configuration: a JSON document with a section per area, each section's schema in its area's
 * `config.ts`, validated once at start-up with safe defaults, so `{}` is a working lab configuration. Unknown fields are
 * refused and errors name the bad path (`speke.maxContentKeys: ...`). Where the document comes from and the
 * environment overrides: functions/config-source.ts and functions/config-env.ts. `npm run schema` writes the JSON
 * Schema of `keyplaneConfigSchema` to schema/keyplane.config.schema.json (editor completion via `"$schema"`).
 */
import * as z from "./zod";
import { spekeConfigSchema } from "./speke/config";
import { deliveryConfigSchema } from "./delivery/config";
import { licenseConfigSchema } from "./license/config";
import { contentKeyRegistryConfigSchema } from "./registry/config";
import { spekeProxyConfigSchema } from "./speke-proxy/config";
import { certificateWatchdogConfigSchema } from "./cert-watchdog/config";
import { parseConfigValue, resolveConfigDocument, type ConfigSourceOptions } from "./config-source";

export const keyplaneConfigSchema = z.strictObject({
  /** The JSON Schema this document follows (for editors; ignored by Keyplane). */
  $schema: z.optional(z.string()),
  /** The SPEKE key server: KID override, key URI templates, PSSH/WRMHEADER fields, request limits. Default `{}`. */
  speke: z.prefault(spekeConfigSchema, {}),
  /** Key delivery and the token service: policies, /token signing, lifetimes, CORS, entitlements, replay counter. */
  delivery: z.prefault(deliveryConfigSchema, {}),
  /** The license proxy (`POST /license/:vendor`): one entry per DRM vendor, and CORS. Default: no vendors. */
  license: z.prefault(licenseConfigSchema, {}),
  /** Where SPEKE records which content id each served KID belongs to, and where key delivery looks it up. */
  contentKeyRegistry: contentKeyRegistryConfigSchema,
  /** The vendor SPEKE proxy function (SpekeVendorProxy); only that function reads it. */
  spekeProxy: z.optional(spekeProxyConfigSchema),
  /** The certificate expiry watchdog function (SpekeCertificate); only that function reads it. */
  certificateWatchdog: z.optional(certificateWatchdogConfigSchema),
});

export type KeyplaneConfig = z.infer<typeof keyplaneConfigSchema>;
export type KeyplaneConfigInput = z.input<typeof keyplaneConfigSchema>;

/** Validates a whole document you already hold (no environment): `parseKeyplaneConfig(JSON.parse(text))`. */
export function parseKeyplaneConfig(input: unknown, origin = "configuration"): KeyplaneConfig {
  return parseConfigValue(keyplaneConfigSchema, input ?? {}, [], { origin, applied: [] });
}

export interface LoadKeyplaneConfigOptions extends Omit<ConfigSourceOptions, "defaults" | "overrides"> {
  /** Values under the document (the lab's own URL, lab mode, its registry file): the document and env win. */
  defaults?: KeyplaneConfigInput;
  /** Values over everything else (tests, an integrator's fixed settings): they win over the document and env. */
  overrides?: KeyplaneConfigInput;
}

/**
 * The configuration of a process: the document from `KEYPLANE_CONFIG_FILE` or `KEYPLANE_CONFIG` (or `document` /
 * `file`), then the `KEYPLANE_<SECTION>_<FIELD>` environment overrides, then `overrides`; every section validated.
 */
export function loadKeyplaneConfig(o: LoadKeyplaneConfigOptions = {}): KeyplaneConfig {
  const source = resolveConfigDocument(o as ConfigSourceOptions);
  return parseConfigValue(keyplaneConfigSchema, source.document, [], source);
}
