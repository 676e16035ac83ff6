/**
 * The shapes every content-protection rule shares. A rule is a plain function over one resource's inputs
 * (the same shape `@pulumi/policy` hands to `validateResource` and the offline review records from the mock runtime),
 * so the Pulumi policy pack and `npm run review` run exactly the same code.
 */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One resource as the rules see it: type token, logical name, optional URN and its raw input properties. */
export interface ResourceUnderReview {
  type: string;
  urn?: string;
  name: string;
  props: Record<string, unknown>;
}

/**
 * What a rule's check returns about the resource under review: plain data, no rule name and no enforcement level
 * (the runner, `runRule`, adds both). `path` points into the resource's inputs (dot/bracket notation) when it helps.
 */
export interface RuleFinding {
  message: string;
  path?: string;
}

/** A rule finding with the name of the rule that reported it (what `runRule` returns). */
export interface Violation extends RuleFinding {
  rule: string;
}

/** The resolved configuration every rule reads (defaults in `defaultRuleConfig`). */
export interface RuleConfig {
  /** The environment under review. Unset: taken from the stack name in the resource URN; unknown counts as production. */
  environment?: string;
  /** Environments treated as production (no test devices, strictest checks). */
  productionEnvironments: string[];
  /** Environments where an open (unauthenticated) key delivery restriction is tolerated. */
  openRestrictionAllowedIn: string[];
  /** Upper bound for `maxTokenLifetimeSeconds` of Keyplane token restrictions. */
  maxTokenLifetimeSeconds: number;
  /** PlayReady security level floor: SL150 (development only), SL2000, SL3000. */
  playReadyMinSecurityLevel: "SL150" | "SL2000" | "SL3000";
  /** Widevine `security_level` floor (1 = SW_SECURE_CRYPTO ... 5 = HW_SECURE_ALL). */
  widevineMinSecurityLevel: number;
  /** Minimum RSA key size for certificates and RSA token keys. */
  minRsaBits: number;
  /** Whether ACM certificates may use ECDSA keys (SPEKE content key encryption needs RSA). */
  allowEcdsaCertificates: boolean;
  /** Minimum and maximum CloudWatch log retention in days. */
  minLogRetentionDays: number;
  maxLogRetentionDays: number;
  /** MediaPackage v2 key rotation bounds in seconds (AWS minimum is 300). */
  minKeyRotationSeconds: number;
  maxKeyRotationSeconds: number;
  /** Whether MediaPackage presets may leave audio unencrypted (PRESET_AUDIO... vs UNENCRYPTED). */
  allowUnencryptedAudio: boolean;
  /** Hosts allowed to be served over plain http (local lab only). */
  insecureUrlHostsAllowed: string[];
}

export const defaultRuleConfig: RuleConfig = {
  productionEnvironments: ["prod", "production"],
  openRestrictionAllowedIn: ["dev"],
  maxTokenLifetimeSeconds: 24 * 3600,
  playReadyMinSecurityLevel: "SL2000",
  widevineMinSecurityLevel: 1,
  minRsaBits: 2048,
  allowEcdsaCertificates: false,
  minLogRetentionDays: 7,
  maxLogRetentionDays: 3653,
  minKeyRotationSeconds: 300,
  maxKeyRotationSeconds: 86400,
  allowUnencryptedAudio: false,
  insecureUrlHostsAllowed: ["localhost", "127.0.0.1"],
};

/** A rule's logic: the findings for one resource under the resolved configuration (empty when it passes). */
export type RuleCheck = (resource: ResourceUnderReview, config: RuleConfig) => RuleFinding[];

/** JSON-schema fragment for one config property (the subset `@pulumi/policy` accepts in `configSchema`). */
export interface ConfigProperty {
  type: "string" | "number" | "integer" | "boolean" | "array";
  description: string;
  default?: unknown;
  enum?: unknown[];
  items?: { type: string };
  minimum?: number;
  maximum?: number;
}

export interface RuleDefinition {
  /** Stable name: used in pack config, review output and suppressions. Never rename. */
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** The `RuleConfig` keys this rule reads (its pack `configSchema` is built from them). */
  configKeys: (keyof RuleConfig)[];
  check: RuleCheck;
}
