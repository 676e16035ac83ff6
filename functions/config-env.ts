/**
 * The environment side of the one Keyplane configuration, as data (no zod, cheap at load): the override table (one
 * row per `KEYPLANE_<SECTION>_<FIELD>` variable: config path, kind, meaning), the bootstrap variables that are not
 * configuration, and the old names refused at start-up with their replacement. functions/config-source.ts applies
 * them; `npm run schema` writes the tables into docs/configuration.md.
 */

/** The top-level sections of the Keyplane configuration, in document order. */
export const CONFIG_SECTIONS = [
  "speke",
  "delivery",
  "license",
  "contentKeyRegistry",
  "spekeProxy",
  "certificateWatchdog",
] as const;
export type ConfigSectionName = (typeof CONFIG_SECTIONS)[number];

/** A path to the configuration file (lab, self-hosted servers, anyone with a file). */
export const CONFIG_FILE_ENV = "KEYPLANE_CONFIG_FILE";
/** The same document inline as JSON (Lambda, Azure Functions: no file there). */
export const CONFIG_ENV = "KEYPLANE_CONFIG";

/**
 * How an override's text becomes a value: `string` as is, `integer` digits only, `list` comma separated (blanks
 * dropped), `json` any JSON value (an object replaces the field whole).
 */
export type OverrideKind = "string" | "integer" | "list" | "json";

export interface EnvOverride {
  env: string;
  /** Dotted config path the variable sets. */
  path: string;
  kind: OverrideKind;
  meaning: string;
  /** The value is a secret: keep it in a secret store (errors never show any value). */
  secret?: true;
}

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  {
    env: "KEYPLANE_SPEKE_PUBLIC_BASE_URL",
    path: "speke.publicBaseUrl",
    kind: "string",
    meaning: "public URL of key delivery (`{base_url}` in the SPEKE templates)",
  },
  {
    env: "KEYPLANE_DELIVERY_POLICY_FILE",
    path: "delivery.policyFile",
    kind: "string",
    meaning: "JSON file with `{ policies, bindings, defaultPolicy }`",
  },
  {
    env: "KEYPLANE_DELIVERY_POLICY_ENV",
    path: "delivery.policyEnv",
    kind: "string",
    meaning: "name of the variable holding the policies inline (default `KEYPLANE_DELIVERY_POLICIES`)",
  },
  {
    env: "KEYPLANE_DELIVERY_POLICY_CACHE_TTL_SECONDS",
    path: "delivery.policyCacheTtlSeconds",
    kind: "integer",
    meaning: "seconds loaded policies are reused before the source is read again",
  },
  {
    env: "KEYPLANE_DELIVERY_ENTITLEMENTS_FILE",
    path: "delivery.entitlementsFile",
    kind: "string",
    meaning: "JSON file of entitlement rules for `POST /token`",
  },
  {
    env: "KEYPLANE_DELIVERY_TOKEN_ISSUER",
    path: "delivery.tokenIssuer.issuer",
    kind: "string",
    meaning: "`iss` of tokens from `POST /token`",
  },
  {
    env: "KEYPLANE_DELIVERY_TOKEN_AUDIENCE",
    path: "delivery.tokenIssuer.audience",
    kind: "string",
    meaning: "`aud` of tokens from `POST /token`",
  },
  {
    env: "KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY",
    path: "delivery.tokenIssuer.signingKey",
    kind: "json",
    meaning: '`{"alg":"HS256","keyBase64":…}` or `{"alg":"RS256"|"ES256","privateKeyPem":…}`',
    secret: true,
  },
  {
    env: "KEYPLANE_DELIVERY_TOKEN_LIFETIME_SECONDS",
    path: "delivery.tokenLifetimeSeconds",
    kind: "integer",
    meaning: "default lifetime of tokens from `POST /token`",
  },
  {
    env: "KEYPLANE_DELIVERY_MAX_TOKEN_LIFETIME_SECONDS",
    path: "delivery.maxTokenLifetimeSeconds",
    kind: "integer",
    meaning: "longest lifetime a `/token` caller or rule may ask for",
  },
  {
    env: "KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS",
    path: "delivery.clockSkewSeconds",
    kind: "integer",
    meaning: "clock skew allowed on exp/nbf/iat (0-120)",
  },
  {
    env: "KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS",
    path: "delivery.verifiedTokenCacheSeconds",
    kind: "integer",
    meaning: "how long a token whose signature verified is remembered (0-300; 0 = off)",
  },
  {
    env: "KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS",
    path: "delivery.cors.allowOrigins",
    kind: "list",
    meaning: "browser origins allowed to call key delivery",
  },
  {
    env: "KEYPLANE_DELIVERY_USE_COUNTER",
    path: "delivery.useCounter",
    kind: "json",
    meaning: 'the replay counter: `{"type":"memory"|"dynamodb"|"azureTable",…}`',
  },
  {
    env: "KEYPLANE_CONTENT_KEY_REGISTRY",
    path: "contentKeyRegistry",
    kind: "json",
    meaning: 'the content key registry: `{"type":"memory"|"file"|"dynamodb"|"azureTable",…}`',
  },
];

/** Names under a section prefix that are not overrides and are accepted (documented variables). */
export const NOT_OVERRIDES: readonly string[] = ["KEYPLANE_DELIVERY_POLICIES"];

export interface BootstrapVariable {
  env: string;
  where: string;
  meaning: string;
}

/** Process and bootstrap variables: not configuration, read from the environment only. */
export const BOOTSTRAP_ENV: readonly BootstrapVariable[] = [
  { env: CONFIG_FILE_ENV, where: "every process", meaning: "path of the configuration file" },
  { env: CONFIG_ENV, where: "every process", meaning: "the configuration inline as JSON (not with a file)" },
  {
    env: "KEYPLANE_DELIVERY_POLICIES",
    where: "key delivery",
    meaning: "content key policies inline as JSON (the variable `delivery.policyEnv` names)",
  },
  { env: "KEY_SEED", where: "every process", meaning: "the key seed, base64 (tests, local runs); wins over the rest" },
  { env: "KEY_SEED_SECRET_ARN", where: "Lambda", meaning: "Secrets Manager secret holding the key seed" },
  { env: "KEYPLANE_KEY_SEED_SECRET_URI", where: "Azure Functions", meaning: "Key Vault secret holding the key seed" },
  {
    env: "KEYPLANE_SECRET_ENV_URI",
    where: "Azure Functions",
    meaning: "Key Vault secret with a JSON object of `KEYPLANE_*` variables merged over the app settings",
  },
  { env: "VENDOR_CREDENTIAL_SECRET_ARN", where: "SPEKE proxy", meaning: "Secrets Manager secret with the credential" },
  { env: "VENDOR_CREDENTIAL", where: "SPEKE proxy", meaning: "the credential JSON inline (tests, local runs)" },
  { env: "LOG_LEVEL", where: "every process", meaning: "`debug`, `info` (default), `warn` or `error`" },
  { env: "PORT", where: "lab", meaning: "port (default 8787)" },
  { env: "KEYPLANE_DATA_DIR", where: "lab", meaning: "data directory: seed, registry, media (default `.keyplane`)" },
  { env: "KEYPLANE_DEMO_MEDIA", where: "lab", meaning: "`0`: do not package the demo clip at start" },
  {
    env: "KEYPLANE_LAB_ALLOWED_HOSTS",
    where: "lab",
    meaning: "extra `Host` names the lab answers to (comma separated)",
  },
  { env: "KEYPLANE_URL", where: "`npm run package`", meaning: "key server the packager talks SPEKE to" },
];

export interface RenamedVariable {
  old: string;
  /** What replaces it: a variable or a configuration field. */
  replacement: string;
}

/** Old names, refused at start-up with their replacement (0.1.0 had two configuration shapes). */
export const RENAMED_ENV: readonly RenamedVariable[] = [
  { old: "KEYPLANE_DELIVERY_CONFIG", replacement: "KEYPLANE_CONFIG_FILE (the same fields under `delivery`)" },
  { old: "KEYPLANE_POLICY_FILE", replacement: "KEYPLANE_DELIVERY_POLICY_FILE" },
  { old: "KEYPLANE_POLICY_ENV", replacement: "KEYPLANE_DELIVERY_POLICY_ENV" },
  { old: "KEYPLANE_POLICY_CACHE_TTL_SECONDS", replacement: "KEYPLANE_DELIVERY_POLICY_CACHE_TTL_SECONDS" },
  { old: "KEYPLANE_ENTITLEMENTS_FILE", replacement: "KEYPLANE_DELIVERY_ENTITLEMENTS_FILE" },
  { old: "KEYPLANE_ENTITLEMENTS_JSON", replacement: "`delivery.entitlements` (the rules inline in the configuration)" },
  { old: "KEYPLANE_TOKEN_ISSUER", replacement: "KEYPLANE_DELIVERY_TOKEN_ISSUER" },
  { old: "KEYPLANE_TOKEN_AUDIENCE", replacement: "KEYPLANE_DELIVERY_TOKEN_AUDIENCE" },
  { old: "KEYPLANE_TOKEN_SIGNING_KEY", replacement: "KEYPLANE_DELIVERY_TOKEN_SIGNING_KEY" },
  { old: "KEYPLANE_TOKEN_LIFETIME_SECONDS", replacement: "KEYPLANE_DELIVERY_TOKEN_LIFETIME_SECONDS" },
  { old: "KEYPLANE_TOKEN_MAX_LIFETIME_SECONDS", replacement: "KEYPLANE_DELIVERY_MAX_TOKEN_LIFETIME_SECONDS" },
  { old: "KEYPLANE_CLOCK_SKEW_SECONDS", replacement: "KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS" },
  { old: "KEYPLANE_VERIFIED_TOKEN_CACHE_SECONDS", replacement: "KEYPLANE_DELIVERY_VERIFIED_TOKEN_CACHE_SECONDS" },
  { old: "KEYPLANE_CORS_ORIGINS", replacement: "KEYPLANE_DELIVERY_CORS_ALLOW_ORIGINS" },
  {
    old: "KEYPLANE_USE_COUNTER_TABLE",
    replacement: 'KEYPLANE_DELIVERY_USE_COUNTER (`{"type":"dynamodb","tableName":…}`)',
  },
  {
    old: "KEYPLANE_USE_COUNTER_TABLE_AZURE",
    replacement: '`delivery.useCounter` `{"type":"azureTable","endpoint":…,"tableName":…}`',
  },
  {
    old: "KEYPLANE_REGISTRY_TABLE",
    replacement: '`contentKeyRegistry` `{"type":"azureTable","endpoint":…,"tableName":…}`',
  },
  {
    old: "KEYPLANE_TABLE_ENDPOINT",
    replacement: "`endpoint` of `contentKeyRegistry` / `delivery.useCounter` (`type: azureTable`)",
  },
];

/** `contentKeyRegistry` -> `CONTENT_KEY_REGISTRY`: how section and field names become variable names. */
export function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** `KEYPLANE_<SECTION>`: a variable equal to one, or starting with one and `_`, is an override or refused. */
export const SECTION_PREFIXES: readonly string[] = CONFIG_SECTIONS.map((s) => `KEYPLANE_${screamingSnake(s)}`);
