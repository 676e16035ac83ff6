/**
 * AzureKeyDelivery's arguments (the public interfaces, documented where an editor shows them) and their checks: the
 * plain scale and retention settings, the CORS origins, the policies and the custom host name, each message naming the
 * component, the argument and the value. `checkAzureKeyDeliveryArgs` returns the settings the constructor builds from.
 */
import { checkPlayerOrigins } from "../shared/cors";
import { checkDeliveryPolicies } from "../shared/keyplane-config";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyBinding } from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { checkInput, shown } from "../shared/inputs";

/** Where the key seed comes from. One of the three shapes; default `{ generate: true }`. */
export type AzureKeySeedSpec =
  | {
      /** Make 32 random bytes at create time (@pulumi/random) and store them in the vault as `keyplane-key-seed`. */
      generate: true;
    }
  | {
      /** Your seed: base64 of at least 30 bytes (pass a Pulumi secret); stored in the vault as `keyplane-key-seed`. */
      value: pulumi.Input<string>;
    }
  | {
      /**
       * Name of a secret that already holds the seed (base64), in the vault given as `keyVault.existing` (required
       * with this shape). Nothing is written to it; the function's identity is granted read on it.
       */
      existingSecretName: pulumi.Input<string>;
    };

/** The Key Vault that holds the key seed and the secret environment. Default: a new vault (`{}`). */
export type AzureKeyVaultSpec =
  | {
      /**
       * Use this vault (looked up, not managed). It must use RBAC authorization: roles are assigned on its secrets.
       * The secret environment (and the seed, unless `keySeed.existingSecretName`) is written to it.
       */
      existing: {
        /** The vault's name. */
        name: pulumi.Input<string>;
        /** The vault's resource group (default: `resourceGroupName`). */
        resourceGroupName?: pulumi.Input<string>;
      };
    }
  | {
      /**
       * Create a vault: RBAC authorization, soft delete, purge protection, the deployer's tenant, public network
       * access as `publicNetworkAccess`. Omitted: the same with every default.
       */
      create?: {
        /** Vault name: 3-24 letters, digits and hyphens, starting with a letter (default: an auto-name). */
        name?: pulumi.Input<string>;
        /** Soft delete retention, 7..90 days (default 90); fixed once the vault exists. */
        softDeleteRetentionInDays?: number;
      };
    };

export interface AzureSpekeArgs {
  /** Serve SPEKE on Azure (a second Function App, `functions/runtimes/entries/azure-speke.ts`). Default false. */
  enabled: boolean;
  /**
   * The Entra ID app registration (client id) whose access tokens App Service Authentication accepts; required when
   * `enabled`: SPEKE on Azure is never anonymous.
   */
  entraClientId: pulumi.Input<string>;
  /** Entra ID tenant of that registration (token issuer `https://login.microsoftonline.com/<tenantId>/v2.0`); default: the deployer's tenant. */
  tenantId?: pulumi.Input<string>;
  /** Accepted token audiences (default: `api://<entraClientId>`). */
  allowedAudiences?: pulumi.Input<pulumi.Input<string>[]>;
  /** Client application ids allowed to call (the packager's identity); default: any app of the tenant with a valid token. */
  allowedApplications?: pulumi.Input<pulumi.Input<string>[]>;
  /** `KEYPLANE_CONFIG.speke` (functions/speke/config.ts): public base URL, HLS key URL template, ... (not secret). */
  config?: pulumi.Input<Record<string, unknown>>;
}

export interface AzureKeyDeliveryArgs {
  /** Resource group of every resource this component creates (and of `keyVault.existing` unless it names its own). */
  resourceGroupName: pulumi.Input<string>;
  /**
   * Azure region of the identities, storage account, vault, workspace, Application Insights, plans and apps; default:
   * the resource group's location (azure-native fills it in).
   */
  location?: pulumi.Input<string>;
  /** Content key policies (functions/policy/model.ts), validated as on AWS; kept in the Key Vault secret environment (they can hold verification keys). */
  policies: pulumi.Input<pulumi.Input<ContentKeyPolicyInput>[]>;
  /** Which policy governs which KIDs or content ids (functions/policy/bindings.ts); a binding naming the KID wins, then its content id. Default none. */
  bindings?: pulumi.Input<pulumi.Input<PolicyBinding>[]>;
  /** Name of the policy (one of `policies`) for a KID no binding names; without it such a KID is not delivered. */
  defaultPolicy?: pulumi.Input<string>;
  /** Browser origins allowed to call (https://…, or http://localhost for development). `*` is refused. */
  corsAllowOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /** Where the key seed comes from. Default `{ generate: true }`. */
  keySeed?: AzureKeySeedSpec;
  /** Default: a new vault (RBAC, soft delete 90 days, purge protection). */
  keyVault?: AzureKeyVaultSpec;
  /**
   * Token service settings (`KEYPLANE_CONFIG.delivery`, functions/delivery/config.ts), kept with the whole document in
   * the Key Vault secret environment (never in app settings).
   */
  delivery?: pulumi.Input<{
    /**
     * The `issuer` and `audience` written into the tokens POST /token issues, and `signingKey` (a secret:
     * `{ alg: "HS256", keyBase64 }` or `{ alg: "RS256" | "ES256", privateKeyPem }`); without a signing key /token is
     * disabled.
     */
    tokenIssuer?: { issuer?: string; audience?: string; signingKey?: Record<string, unknown> };
    /** Default lifetime of a token from POST /token, in seconds (default 3600). */
    tokenLifetimeSeconds?: number;
    /** Longest lifetime a caller or entitlement rule may ask for, in seconds (default 86400, at most 31 days). */
    maxTokenLifetimeSeconds?: number;
    /** Clock skew allowed when checking exp/nbf/iat, in seconds (default 60, at most 120). */
    clockSkewSeconds?: number;
    /** How long loaded policies are reused before they are read again, in seconds (default 60). */
    policyCacheTtlSeconds?: number;
  }>;
  /** Entitlement rules for POST /token (functions/delivery/entitlements.ts); kept in the Key Vault secret environment. */
  entitlements?: pulumi.Input<Record<string, unknown>>;
  /** License proxy configuration (`KEYPLANE_CONFIG.license`, functions/license/config.ts); kept in the Key Vault secret environment. */
  license?: pulumi.Input<Record<string, unknown>>;
  /**
   * "Enabled" (default: players reach it from the internet) or "Disabled" (private endpoints of your own), stated on
   * the apps, the storage account and a created vault.
   */
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** Serve on your host name: a hostname binding on the delivery app; the URL outputs then use it. */
  customDomain?: {
    /** The host name (a DNS name, lowercase), pointed at the app's default host name. */
    hostName: pulumi.Input<string>;
    /** Thumbprint of a certificate for the host name that the app can use; given, the binding is SNI SSL. */
    certificateThumbprint?: pulumi.Input<string>;
  };
  /** Flex Consumption scale-out limit: maximum instances, 1..1000 (default 40; the SPEKE app takes at most 10). */
  maximumInstanceCount?: number;
  /** Flex Consumption instance memory in MB: 512, 2048 (default) or 4096; the SPEKE app uses the same. */
  instanceMemoryMB?: 512 | 2048 | 4096;
  /** Log Analytics retention, 30..730 days (default 30). */
  logRetentionDays?: number;
  /** Optional SPEKE key server behind Entra ID (a second Function App); off unless `speke.enabled`. */
  speke?: AzureSpekeArgs;
  /** Tags on the identities, storage account, vault and its secrets, workspace, Application Insights, plans and apps. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Resource group, location and tags as spread into each child's arguments (an absent one stays absent). */
export interface AzurePlacement {
  rg: pulumi.Input<string>;
  loc: { location?: pulumi.Input<string> };
  tags: { tags?: pulumi.Input<Record<string, pulumi.Input<string>>> };
}

/** The checked arguments, with their defaults, that the constructor builds from. */
export interface AzureKeyDeliverySettings {
  /** `publicNetworkAccess`. */
  pna: "Enabled" | "Disabled";
  maxInstances: number;
  memory: number;
  retention: number;
  seedSpec: AzureKeySeedSpec;
  vaultSpec: AzureKeyVaultSpec;
  cors: pulumi.Output<string[]>;
  policiesJson: pulumi.Output<string>;
  customHost?: pulumi.Output<string>;
}

const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function fail(message: string): never {
  throw new Error(`AzureKeyDelivery: ${message}`);
}

export function checkAzureCorsOrigins(origins: string[]): string[] {
  return checkPlayerOrigins("AzureKeyDelivery", origins, { nonEmpty: true });
}

/** Policies, bindings and default policy validated with the policy model; returns their JSON (KEYPLANE_DELIVERY_POLICIES). */
export function checkAzurePolicies(p: {
  policies: ContentKeyPolicyInput[];
  bindings?: PolicyBinding[];
  defaultPolicy?: string;
}): string {
  return JSON.stringify(checkDeliveryPolicies("AzureKeyDelivery", p));
}

/** Every argument check that needs no resource, in the order the constructor made them. */
export function checkAzureKeyDeliveryArgs(args: AzureKeyDeliveryArgs): AzureKeyDeliverySettings {
  if (!args) fail("args are required");
  if (!args.resourceGroupName) fail("resourceGroupName is required");
  if (args.corsAllowOrigins === undefined) fail("corsAllowOrigins must be a list of origins");
  if (args.policies === undefined) fail("policies are required");
  const pna = args.publicNetworkAccess ?? "Enabled";
  if (pna !== "Enabled" && pna !== "Disabled")
    fail(`publicNetworkAccess must be "Enabled" or "Disabled" (got ${shown(pna)})`);
  const maxInstances = args.maximumInstanceCount ?? 40;
  if (!Number.isInteger(maxInstances) || maxInstances < 1 || maxInstances > 1000)
    fail(`maximumInstanceCount must be 1..1000 (got ${shown(maxInstances)})`);
  const memory = args.instanceMemoryMB ?? 2048;
  if (![512, 2048, 4096].includes(memory)) fail(`instanceMemoryMB must be 512, 2048 or 4096 (got ${shown(memory)})`);
  const retention = args.logRetentionDays ?? 30;
  if (!Number.isInteger(retention) || retention < 30 || retention > 730)
    fail(`logRetentionDays must be 30..730 (got ${shown(retention)})`);
  const seedSpec: AzureKeySeedSpec = args.keySeed ?? { generate: true };
  const vaultSpec: AzureKeyVaultSpec = args.keyVault ?? {};
  if ("existingSecretName" in seedSpec && !("existing" in vaultSpec))
    fail("keySeed.existingSecretName needs keyVault.existing (the vault that holds it)");
  if (args.speke?.enabled && !args.speke.entraClientId)
    fail("speke.entraClientId is required when speke.enabled: SPEKE on Azure is never anonymous");

  const cors = checkInput(args.corsAllowOrigins, (o) => checkAzureCorsOrigins(o as string[]));
  const policiesJson = checkInput(
    { policies: args.policies, bindings: args.bindings ?? [], defaultPolicy: args.defaultPolicy },
    (p) => checkAzurePolicies(p as Parameters<typeof checkAzurePolicies>[0]),
  );
  const customHost = args.customDomain
    ? checkInput(args.customDomain.hostName, (h) => {
        if (typeof h !== "string" || !HOST_RE.test(h)) fail(`customDomain.hostName ${shown(h)} is not a host name`);
        return h;
      })
    : undefined;
  return {
    pna,
    maxInstances,
    memory,
    retention,
    seedSpec,
    vaultSpec,
    cors: cors as pulumi.Output<string[]>,
    policiesJson,
    customHost,
  };
}
