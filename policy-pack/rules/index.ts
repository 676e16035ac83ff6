/**
 * The content-protection rule set: every rule with its stable name, and the evaluation both the Pulumi policy pack
 * (policy-pack/pack.ts) and the offline review (review/) use. Configuration follows the Pulumi policy pack config
 * format: `{ "all": "advisory", "<rule>": "mandatory" | { "enforcementLevel": ..., "<key>": value } }`.
 */
import { KeyplaneError } from "../../functions/errors";
import { amsLocatorProtected } from "./ams";
import {
  azureHttpsOnly,
  azureKeyVaultHardened,
  azureNoSecretsInAppSettings,
  azurePublicNetworkAccessStated,
} from "./azure-functions";
import { certificateRsa2048 } from "./certificates";
import { noPlayReadyTestDevicesInProd, playReadySecurityLevel, widevineSecurityLevel } from "./drm";
import {
  mediaPackageCdnAuth,
  mediaPackageKeyRotation,
  mediaPackagePresets,
  mediaPackageTimeWindow,
} from "./mediapackage";
import { corsNoWildcard, logRetention } from "./operations";
import { noOpenRestriction, tokenIssuerAudience, tokenKeyStrength, tokenLifetimeBounded } from "./restrictions";
import { keySeedInSecretStore, noPlaintextSecretsInFunctionEnv, noVendorCredentialsInApi } from "./secrets";
import { spekeAwsIam } from "./speke";
import { httpsUrls } from "./urls";
import {
  defaultRuleConfig,
  type ConfigProperty,
  type EnforcementLevel,
  type ResourceUnderReview,
  type RuleConfig,
  type RuleDefinition,
  type Violation,
} from "./types";

export * from "./types";
export {
  amsLocatorProtected,
  certificateRsa2048,
  noPlayReadyTestDevicesInProd,
  playReadySecurityLevel,
  widevineSecurityLevel,
  mediaPackageKeyRotation,
  mediaPackagePresets,
  mediaPackageTimeWindow,
  mediaPackageCdnAuth,
  corsNoWildcard,
  logRetention,
  noOpenRestriction,
  tokenIssuerAudience,
  tokenKeyStrength,
  tokenLifetimeBounded,
  keySeedInSecretStore,
  noPlaintextSecretsInFunctionEnv,
  noVendorCredentialsInApi,
  spekeAwsIam,
  httpsUrls,
};
export { azureHttpsOnly, azureKeyVaultHardened, azureNoSecretsInAppSettings, azurePublicNetworkAccessStated };

export const rules: readonly RuleDefinition[] = [
  noOpenRestriction,
  tokenIssuerAudience,
  tokenLifetimeBounded,
  tokenKeyStrength,
  noPlayReadyTestDevicesInProd,
  playReadySecurityLevel,
  widevineSecurityLevel,
  httpsUrls,
  spekeAwsIam,
  noVendorCredentialsInApi,
  noPlaintextSecretsInFunctionEnv,
  keySeedInSecretStore,
  mediaPackageKeyRotation,
  mediaPackagePresets,
  mediaPackageTimeWindow,
  mediaPackageCdnAuth,
  certificateRsa2048,
  logRetention,
  corsNoWildcard,
  amsLocatorProtected,
  azureKeyVaultHardened,
  azureNoSecretsInAppSettings,
  azureHttpsOnly,
  azurePublicNetworkAccessStated,
];

export const configProperties: Record<keyof RuleConfig, ConfigProperty> = {
  environment: {
    type: "string",
    description: "Environment under review; default: the stack name from the resource URN (unknown = production).",
  },
  productionEnvironments: {
    type: "array",
    items: { type: "string" },
    default: defaultRuleConfig.productionEnvironments,
    description: "Environments treated as production.",
  },
  openRestrictionAllowedIn: {
    type: "array",
    items: { type: "string" },
    default: defaultRuleConfig.openRestrictionAllowedIn,
    description: "Environments where open restrictions are tolerated.",
  },
  maxTokenLifetimeSeconds: {
    type: "integer",
    minimum: 1,
    default: defaultRuleConfig.maxTokenLifetimeSeconds,
    description: "Largest maxTokenLifetimeSeconds accepted.",
  },
  playReadyMinSecurityLevel: {
    type: "string",
    enum: ["SL150", "SL2000", "SL3000"],
    default: defaultRuleConfig.playReadyMinSecurityLevel,
    description: "PlayReady security level floor.",
  },
  widevineMinSecurityLevel: {
    type: "integer",
    minimum: 1,
    maximum: 5,
    default: defaultRuleConfig.widevineMinSecurityLevel,
    description: "Widevine security_level floor (1..5).",
  },
  minRsaBits: {
    type: "integer",
    minimum: 1024,
    default: defaultRuleConfig.minRsaBits,
    description: "Minimum RSA key size in bits.",
  },
  allowEcdsaCertificates: {
    type: "boolean",
    default: defaultRuleConfig.allowEcdsaCertificates,
    description: "Accept ECDSA ACM certificates.",
  },
  minLogRetentionDays: {
    type: "integer",
    minimum: 1,
    default: defaultRuleConfig.minLogRetentionDays,
    description: "Minimum log retention in days.",
  },
  maxLogRetentionDays: {
    type: "integer",
    minimum: 1,
    default: defaultRuleConfig.maxLogRetentionDays,
    description: "Maximum log retention in days.",
  },
  minKeyRotationSeconds: {
    type: "integer",
    minimum: 300,
    default: defaultRuleConfig.minKeyRotationSeconds,
    description: "Minimum MediaPackage v2 key rotation interval.",
  },
  maxKeyRotationSeconds: {
    type: "integer",
    minimum: 300,
    default: defaultRuleConfig.maxKeyRotationSeconds,
    description: "Maximum MediaPackage v2 key rotation interval.",
  },
  allowUnencryptedAudio: {
    type: "boolean",
    default: defaultRuleConfig.allowUnencryptedAudio,
    description: "Accept UNENCRYPTED audio presets.",
  },
  insecureUrlHostsAllowed: {
    type: "array",
    items: { type: "string" },
    default: defaultRuleConfig.insecureUrlHostsAllowed,
    description: "Hosts that may use http:// outside production.",
  },
};

/** The JSON schema `@pulumi/policy` shows and validates for one rule's configuration. */
export function configSchemaFor(rule: RuleDefinition): { properties: Record<string, ConfigProperty> } {
  return { properties: Object.fromEntries(rule.configKeys.map((k) => [k, configProperties[k]])) };
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Pulumi policy pack config (`--policy-pack-config` JSON). */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

function checkLevel(v: unknown, where: string): EnforcementLevel {
  if (typeof v === "string" && (LEVELS as string[]).includes(v)) return v as EnforcementLevel;
  throw new KeyplaneError("policy_config_invalid", `${where}: enforcement level must be one of ${LEVELS.join(", ")}`);
}

/** Validate a pack config: only known rule names (or "all"), known levels, known config keys of the right JSON type. */
export function parsePackConfig(input: unknown): PackConfig {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input))
    throw new KeyplaneError("policy_config_invalid", "policy config must be a JSON object keyed by rule name");
  const known = new Set(rules.map((r) => r.name));
  const out: PackConfig = {};
  for (const [name, v] of Object.entries(input as Record<string, unknown>)) {
    if (name !== "all" && !known.has(name))
      throw new KeyplaneError("policy_config_invalid", `${name}: unknown rule (known: ${[...known].join(", ")})`);
    if (typeof v === "string") {
      out[name] = checkLevel(v, name);
      continue;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new KeyplaneError("policy_config_invalid", `${name}: must be an enforcement level or an object`);
    const entry: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (k === "enforcementLevel") entry[k] = checkLevel(val, `${name}.enforcementLevel`);
      else if (!(k in configProperties))
        throw new KeyplaneError("policy_config_invalid", `${name}.${k}: unknown setting`);
      else {
        const prop = configProperties[k as keyof RuleConfig];
        const ok =
          prop.type === "array"
            ? Array.isArray(val) && val.every((x) => typeof x === "string")
            : prop.type === "integer"
              ? Number.isInteger(val)
              : typeof val === prop.type;
        if (!ok)
          throw new KeyplaneError(
            "policy_config_invalid",
            `${name}.${k}: must be ${prop.type === "array" ? "a list of strings" : prop.type === "integer" ? "an integer" : `a ${prop.type}`}`,
          );
        if (prop.enum && !prop.enum.includes(val))
          throw new KeyplaneError("policy_config_invalid", `${name}.${k}: must be one of ${prop.enum.join(", ")}`);
        entry[k] = val;
      }
    }
    out[name] = entry as PackConfig[string];
  }
  return out;
}

/** Defaults, then the pack config's "all" settings, then the rule's own settings, then explicit overrides. */
export function ruleConfigFor(
  rule: RuleDefinition,
  packConfig: PackConfig = {},
  overrides: Partial<RuleConfig> = {},
): { config: RuleConfig; enforcementLevel: EnforcementLevel } {
  let level = rule.enforcementLevel;
  const merged: Record<string, unknown> = { ...defaultRuleConfig };
  for (const key of ["all", rule.name]) {
    const c = packConfig[key];
    if (typeof c === "string") level = c;
    else if (c) {
      const { enforcementLevel, ...rest } = c;
      if (enforcementLevel) level = enforcementLevel;
      Object.assign(merged, rest);
    }
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  return { config: merged as unknown as RuleConfig, enforcementLevel: level };
}

/** Run one rule's check over one resource and name each finding with the rule (the one place a rule name is attached). */
export function runRule(rule: RuleDefinition, resource: ResourceUnderReview, config: RuleConfig): Violation[] {
  return rule.check(resource, config).map((f) => ({ rule: rule.name, ...f }));
}

export interface Finding extends Violation {
  enforcementLevel: EnforcementLevel;
  resource: { type: string; name: string; urn?: string };
}

/** Apply every (enabled) rule to every resource. */
export function evaluate(
  resources: readonly ResourceUnderReview[],
  packConfig: PackConfig = {},
  overrides: Partial<RuleConfig> = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const { config, enforcementLevel } = ruleConfigFor(rule, packConfig, overrides);
    if (enforcementLevel === "disabled") continue;
    for (const r of resources) {
      for (const v of runRule(rule, r, config)) {
        const resource: Finding["resource"] = { type: r.type, name: r.name };
        if (r.urn) resource.urn = r.urn;
        findings.push({ ...v, enforcementLevel, resource });
      }
    }
  }
  return findings;
}
