/**
 * `keyplane/core`: self-host the key exchange (SPEKE key server, token service, ClearKey / HLS key delivery, license
 * proxy) in your own Node.js process or Lambda. A deliberately small public surface; everything else under
 * `functions/` is internal and may change between minor versions.
 *
 * ```ts
 * import { createApp, loadKeyplaneConfig, staticContext, KeySeed, listen } from "keyplane/core";
 * // KEYPLANE_CONFIG_FILE (or KEYPLANE_CONFIG) plus the KEYPLANE_<SECTION>_<FIELD> overrides
 * const app = createApp(staticContext(KeySeed.fromBase64(seedB64)), loadKeyplaneConfig());
 * const { url } = await listen(app, { port: 8787 });
 * ```
 *
 * Importing this module has no side effects (no config read, no network, no listener).
 */

// The app and its configuration
export { createApp, ALL_AREAS, type Area, type CreateAppOptions } from "./app";
export {
  parseKeyplaneConfig,
  loadKeyplaneConfig,
  keyplaneConfigSchema,
  type KeyplaneConfig,
  type KeyplaneConfigInput,
  type LoadKeyplaneConfigOptions,
} from "./config";
export { ENV_OVERRIDES, BOOTSTRAP_ENV, RENAMED_ENV, type EnvOverride } from "./config-env";
export type { AppEnv } from "./http/env";

// Runtimes: node:http on a port, API Gateway / Lambda
export { listen, type Listening } from "./runtimes/listen";
export { lambdaHandler, lambdaContext } from "./runtimes/lambda";

// Context, errors, logging
export { staticContext, type KeyplaneContext } from "./context";
export { KeyplaneError, isKeyplaneError } from "./errors";
export { createLogger, silentLogger, redact, type Logger, type LoggerOptions, type LogLevel } from "./log";

// Key seeds and KIDs
export { KeySeed, KEY_SEED_MIN_BYTES, deriveContentKey } from "./keys/seed";
export {
  seedFromEnv,
  seedFromDataDir,
  seedFromSecret,
  lambdaSeed,
  localSeed,
  type LoadedSeed,
  type SecretValueReader,
} from "./keys/seed-source";
export {
  kidFromUuid,
  kidToUuid,
  kidFromHex,
  kidFromBase64url,
  kidToBase64url,
  parseKid,
  toLittleEndianGuid,
} from "./keys/kid";

// Content key registry (KID -> content id) and token replay counters
export { type ContentKeyRegistry, MemoryContentKeyRegistry } from "./registry/registry";
export { FileContentKeyRegistry } from "./registry/file";
export { DynamoContentKeyRegistry } from "./registry/dynamodb";
export { createContentKeyRegistry, type ContentKeyRegistryConfig } from "./registry/config";
export { type UseCounter, MemoryUseCounter } from "./tokens/counter";
export { DynamoUseCounter } from "./tokens/counter-dynamodb";

// SPEKE proxy to a DRM vendor
export { createSpekeProxyApp, createSpekeProxyFromEnv } from "./speke-proxy/app";
export { VENDOR_PRESETS, type VendorPreset, type VendorCredential } from "./speke-proxy/presets";
