/**
 * AzureKeyDelivery: Keyplane's token service, ClearKey and HLS AES-128 key delivery and license proxy on Azure Functions
 * (Flex Consumption, Linux, Node.js 20, v4 programming model), the same handlers as on Lambda and in the lab
 * (functions/runtimes/entries/azure-delivery.ts), under the same content key policies. What Azure Media Services' key
 * delivery did, in your own subscription, deployable today.
 *
 * - The key seed is a Key Vault secret (RBAC authorization, soft delete, purge protection), generated at create time
 *   (@pulumi/random, 32 bytes) or supplied as a Pulumi secret, or an existing vault/secret. The secret part of the
 *   configuration (policies that hold verification keys, the token signing key, entitlement rules, license proxy
 *   settings) is a second secret. The function's user-assigned identity holds "Key Vault Secrets User" on those two
 *   secrets only (never on the vault). App settings hold their URIs, never a value.
 * - maxuses counters and the content key registry are Azure Table Storage tables written with conditional requests,
 *   reached with the identity (Storage Table Data Contributor on each table): no connection string or account key in
 *   app settings. The Functions host storage is identity-based too (`AzureWebJobsStorage__*`).
 * - The deployment package is the entry's own esbuild bundle (`index.js` + package.json + host.json), uploaded as
 *   `released-package.zip` to a private blob container that the Flex app deploys from with the identity.
 * - Application Insights on a Log Analytics workspace, local (key) authentication off: telemetry is sent with the
 *   identity (Monitoring Metrics Publisher). HTTPS only, TLS 1.2, FTP and SCM basic publishing credentials off, CORS
 *   allow-list enforced by the app (the same code as the lab and Lambda), optional custom domain.
 * - Optional SPEKE (off by default): a second Flex app behind App Service Authentication (Entra ID, authentication
 *   required, 401 otherwise), writing the registry.
 *
 * Resources use `@pulumi/azure-native` 2.x default modules, and `web/v20240401` where the default API version
 * (2022-09-01) lacks a field: `functionAppConfig` (Flex Consumption) and the publishing-credential policies.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as authorization from "@pulumi/azure-native/authorization";
import * as insights from "@pulumi/azure-native/insights";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web/v20240401";
import { keyDeliveryPoliciesSchema, type PolicyBinding } from "../../functions/policy/bindings";
import type { ContentKeyPolicyInput } from "../../functions/policy/model";
import { formatIssues } from "../../functions/validation";
import { bundleFunction } from "../shared/bundle";
import { checkInput, checkOptional, shown } from "../shared/inputs";
import { deliveryDocument, keyplaneConfigJson } from "../shared/keyplane-config";

export const AZURE_DELIVERY_ENTRY = "functions/runtimes/entries/azure-delivery.ts";
export const AZURE_SPEKE_ENTRY = "functions/runtimes/entries/azure-speke.ts";
/** The blob name Flex Consumption deploys from (One Deploy's package name). */
export const FLEX_PACKAGE_BLOB = "released-package.zip";

/** Built-in Azure role definition ids (Azure built-in roles reference). */
export const AZURE_ROLES = {
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f4bc1a67be5",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

/** Key Vault caps a secret value at 25 KB. */
export const MAX_SECRET_ENV_BYTES = 25 * 1024;

export type AzureKeySeedSpec =
  /** Default: 32 random bytes made at create time (@pulumi/random), stored in the vault. */
  | { generate: true }
  /** Your seed (base64, ≥ 30 bytes; pass a Pulumi secret), stored in the vault. */
  | { value: pulumi.Input<string> }
  /** A secret that already holds the seed, in the vault this component uses (`keyVault`). */
  | { existingSecretName: pulumi.Input<string> };

export type AzureKeyVaultSpec =
  | { existing: { name: pulumi.Input<string>; resourceGroupName?: pulumi.Input<string> } }
  | { create?: { name?: pulumi.Input<string>; softDeleteRetentionInDays?: number } };

export interface AzureSpekeArgs {
  /** Serve SPEKE on Azure (a second Function App). Default false. */
  enabled: boolean;
  /** The Entra ID app registration (client id) whose tokens the platform accepts; its tenant defaults to the deployer's. */
  entraClientId: pulumi.Input<string>;
  tenantId?: pulumi.Input<string>;
  /** Accepted token audiences (default: `api://<entraClientId>`). */
  allowedAudiences?: pulumi.Input<pulumi.Input<string>[]>;
  /** Client application ids allowed to call (the packager's identity); default: any app of the tenant with a valid token. */
  allowedApplications?: pulumi.Input<pulumi.Input<string>[]>;
  /** `KEYPLANE_CONFIG.speke` (functions/speke/config.ts): public base URL, HLS key URL template, ... (not secret). */
  config?: pulumi.Input<Record<string, unknown>>;
}

export interface AzureKeyDeliveryArgs {
  resourceGroupName: pulumi.Input<string>;
  location?: pulumi.Input<string>;
  /** Content key policies (functions/policy/model.ts), bindings and default policy, validated as on AWS. */
  policies: pulumi.Input<pulumi.Input<ContentKeyPolicyInput>[]>;
  bindings?: pulumi.Input<pulumi.Input<PolicyBinding>[]>;
  defaultPolicy?: pulumi.Input<string>;
  /** Browser origins allowed to call (https://…, or http://localhost for development). `*` is refused. */
  corsAllowOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /** Default `{ generate: true }`. */
  keySeed?: AzureKeySeedSpec;
  /** Default: a new vault (RBAC, soft delete 90 days, purge protection). */
  keyVault?: AzureKeyVaultSpec;
  /** Token service: issuer, audience, lifetimes; `signingKey` (a secret) goes to Key Vault, the rest to app settings. */
  delivery?: pulumi.Input<{
    tokenIssuer?: { issuer?: string; audience?: string; signingKey?: Record<string, unknown> };
    tokenLifetimeSeconds?: number;
    maxTokenLifetimeSeconds?: number;
    clockSkewSeconds?: number;
    policyCacheTtlSeconds?: number;
  }>;
  /** Entitlement rules for POST /token (functions/delivery/entitlements.ts); kept in Key Vault. */
  entitlements?: pulumi.Input<Record<string, unknown>>;
  /** License proxy configuration (`KEYPLANE_CONFIG.license`); kept in Key Vault. */
  license?: pulumi.Input<Record<string, unknown>>;
  /** "Enabled" (default: players reach it from the internet) or "Disabled" (private endpoints of your own). Always stated. */
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** Serve on your host name: a hostname binding (SNI with `certificateThumbprint`); URL outputs then use it. */
  customDomain?: { hostName: pulumi.Input<string>; certificateThumbprint?: pulumi.Input<string> };
  /** Flex Consumption scale: maximum instances (default 40) and instance memory (2048 MB). */
  maximumInstanceCount?: number;
  instanceMemoryMB?: 512 | 2048 | 4096;
  /** Log Analytics retention (default 30 days). */
  logRetentionDays?: number;
  speke?: AzureSpekeArgs;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const ORIGIN_RE = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const VAULT_NAME_RE = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const SECRET_NAME_RE = /^[a-zA-Z0-9-]{1,127}$/;

function fail(message: string): never {
  throw new Error(`AzureKeyDelivery: ${message}`);
}

export function checkAzureCorsOrigins(origins: string[]): string[] {
  if (!Array.isArray(origins) || origins.length === 0)
    fail(`corsAllowOrigins must be a non-empty list of origins (got ${shown(origins)})`);
  for (const o of origins) {
    if (o === "*") fail('corsAllowOrigins cannot be "*"; list the player origins');
    if (typeof o !== "string" || !ORIGIN_RE.test(o))
      fail(`corsAllowOrigins ${shown(o)} is not an origin (https://host[:port], or http://localhost for development)`);
  }
  return origins;
}

/** Policies, bindings and default policy validated with the policy model; returns their JSON (KEYPLANE_DELIVERY_POLICIES). */
export function checkAzurePolicies(p: {
  policies: ContentKeyPolicyInput[];
  bindings?: PolicyBinding[];
  defaultPolicy?: string;
}): string {
  const r = keyDeliveryPoliciesSchema.safeParse({
    policies: p.policies,
    bindings: p.bindings ?? [],
    ...(p.defaultPolicy ? { defaultPolicy: p.defaultPolicy } : {}),
  });
  if (!r.success) fail(`invalid policies: ${formatIssues(r.error)}`);
  return JSON.stringify(r.data);
}

function roleDefinition(subscriptionId: pulumi.Input<string>, role: string): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

/** The Flex package: the bundled entry as `index.js`, the v4 model's package.json `main`, host.json with routes at the root. */
export function flexPackage(entry: string): { archive: pulumi.asset.AssetArchive; sha256: string; sizeBytes: number } {
  const b = bundleFunction(entry);
  const packageJson = JSON.stringify({ name: "keyplane-function", private: true, main: "index.js" });
  const hostJson = JSON.stringify({
    version: "2.0",
    extensions: { http: { routePrefix: "" } },
    logging: {
      logLevel: { default: "Information" },
      applicationInsights: { samplingSettings: { isEnabled: true, excludedTypes: "Request" } },
    },
  });
  return {
    archive: new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset(b.code),
      "package.json": new pulumi.asset.StringAsset(packageJson),
      "host.json": new pulumi.asset.StringAsset(hostJson),
    }),
    sha256: b.sha256,
    sizeBytes: b.sizeBytes,
  };
}

export class AzureKeyDelivery extends pulumi.ComponentResource {
  /** `https://<app>.azurewebsites.net` (or `https://<customDomain.hostName>`). */
  readonly url: pulumi.Output<string>;
  readonly tokenUrl: pulumi.Output<string>;
  /** W3C ClearKey license URL (`…/clearkey`). */
  readonly clearKeyLicenseUrl: pulumi.Output<string>;
  /** HLS AES-128 key URL template (`…/hls/key/{kid}`). */
  readonly hlsKeyUrlTemplate: pulumi.Output<string>;
  /** License proxy URL template (`…/license/{vendor}`). */
  readonly licenseUrlTemplate: pulumi.Output<string>;
  readonly functionAppName: pulumi.Output<string>;
  /** The function's user-assigned identity: resource id, principal (object) id, client id. */
  readonly identity: pulumi.Output<{ id: string; principalId: string; clientId: string }>;
  readonly keyVaultName: pulumi.Output<string>;
  /** Versionless Key Vault URI of the key seed secret (share it with SPEKE elsewhere). */
  readonly keySeedSecretUri: pulumi.Output<string>;
  readonly storageAccountName: pulumi.Output<string>;
  readonly registryTableName: pulumi.Output<string>;
  readonly useCounterTableName: pulumi.Output<string>;
  /** SPEKE URL (`…/speke`) when `speke.enabled`. */
  readonly spekeUrl: pulumi.Output<string | undefined>;
  /** Size of the delivery bundle in bytes. */
  readonly bundleSizeBytes: number;

  constructor(name: string, args: AzureKeyDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AzureKeyDelivery", name, {}, opts);
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

    const parent = this;
    const opt = { parent };
    const rg = args.resourceGroupName;
    const loc = args.location !== undefined ? { location: args.location } : {};
    const tags = args.tags !== undefined ? { tags: args.tags } : {};
    const client = authorization.getClientConfigOutput({ parent });

    // ---- identity (created first, so its roles exist before the app starts)
    const id = new managedidentity.UserAssignedIdentity(`${name}-id`, { resourceGroupName: rg, ...loc, ...tags }, opt);
    const assign = (slug: string, principalId: pulumi.Input<string>, role: string, scope: pulumi.Input<string>) =>
      new authorization.RoleAssignment(
        `${name}-${slug}`,
        {
          principalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: roleDefinition(client.subscriptionId, role),
          scope,
        },
        opt,
      );

    // ---- storage: host storage, deployment container, tables (identity access only)
    const account = new storage.StorageAccount(
      `${name}-st`,
      {
        resourceGroupName: rg,
        ...loc,
        ...tags,
        kind: "StorageV2",
        sku: { name: "Standard_LRS" },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        publicNetworkAccess: pna,
        // Account keys stay enabled only for Pulumi's own package upload (storage.Blob); nothing at run time uses them.
        allowSharedKeyAccess: true,
      },
      opt,
    );
    const container = new storage.BlobContainer(
      `${name}-deploy`,
      { resourceGroupName: rg, accountName: account.name, publicAccess: "None" },
      opt,
    );
    const registryTable = new storage.Table(
      `${name}-registry`,
      { resourceGroupName: rg, accountName: account.name, tableName: "keyplaneregistry" },
      opt,
    );
    const usesTable = new storage.Table(
      `${name}-uses`,
      { resourceGroupName: rg, accountName: account.name, tableName: "keyplaneuses" },
      opt,
    );
    const tableEndpoint = account.primaryEndpoints.apply((e) => e.table.replace(/\/$/, ""));
    const blobEndpoint = account.primaryEndpoints.apply((e) => e.blob.replace(/\/$/, ""));

    // ---- monitoring
    const workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        resourceGroupName: rg,
        ...loc,
        ...tags,
        sku: { name: "PerGB2018" },
        retentionInDays: retention,
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
      },
      opt,
    );
    const ai = new insights.Component(
      `${name}-ai`,
      {
        resourceGroupName: rg,
        ...loc,
        ...tags,
        kind: "web",
        applicationType: "web",
        ingestionMode: "LogAnalytics",
        workspaceResourceId: workspace.id,
        disableLocalAuth: true,
      },
      opt,
    );

    // ---- Key Vault: the seed and the secret environment
    let vaultName: pulumi.Output<string>;
    let vaultUri: pulumi.Output<string>;
    let vaultId: pulumi.Output<string>;
    if ("existing" in vaultSpec) {
      const ex = vaultSpec.existing;
      const v = keyvault.getVaultOutput(
        { vaultName: ex.name, resourceGroupName: ex.resourceGroupName ?? rg },
        { parent },
      );
      vaultName = pulumi.output(ex.name);
      vaultUri = v.properties.apply((p) => p.vaultUri ?? "");
      vaultId = v.id;
    } else {
      const c = vaultSpec.create ?? {};
      const retentionDays = c.softDeleteRetentionInDays ?? 90;
      if (!Number.isInteger(retentionDays) || retentionDays < 7 || retentionDays > 90)
        fail(`keyVault.create.softDeleteRetentionInDays must be 7..90 (got ${shown(retentionDays)})`);
      const vn = checkOptional(c.name, (n) => {
        if (typeof n !== "string" || !VAULT_NAME_RE.test(n))
          fail(`keyVault.create.name ${shown(n)} must be 3-24 letters, digits and hyphens, starting with a letter`);
        return n;
      });
      const vault = new keyvault.Vault(
        `${name}-kv`,
        {
          resourceGroupName: rg,
          ...loc,
          ...tags,
          ...(vn !== undefined ? { vaultName: vn } : {}),
          properties: {
            tenantId: client.tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: retentionDays,
            enablePurgeProtection: true,
            publicNetworkAccess: pna,
            enabledForDeployment: false,
            enabledForTemplateDeployment: false,
            enabledForDiskEncryption: false,
          },
        },
        opt,
      );
      vaultName = vault.name;
      vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
      vaultId = vault.id;
    }
    const secretId = (secretName: pulumi.Input<string>) => pulumi.interpolate`${vaultId}/secrets/${secretName}`;
    const secretUri = (secretName: pulumi.Input<string>) =>
      pulumi.all([vaultUri, secretName]).apply(([u, n]) => `${u.replace(/\/$/, "")}/secrets/${n}`);

    let seedSecretName: pulumi.Output<string>;
    if ("existingSecretName" in seedSpec) {
      seedSecretName = checkInput(seedSpec.existingSecretName, (n) => {
        if (typeof n !== "string" || !SECRET_NAME_RE.test(n))
          fail(`keySeed.existingSecretName ${shown(n)} is not a Key Vault secret name`);
        return n;
      });
    } else {
      let value: pulumi.Output<string>;
      if ("value" in seedSpec) {
        value = pulumi.secret(
          checkInput(seedSpec.value, (v) => {
            // Never echo the value: it is the seed.
            if (
              typeof v !== "string" ||
              !/^[A-Za-z0-9+/]+={0,2}$/.test(v.trim()) ||
              Buffer.from(v.trim(), "base64").length < 30
            )
              fail("keySeed.value must be base64 of at least 30 bytes");
            return v.trim();
          }),
        );
      } else {
        value = new random.RandomBytes(`${name}-seed`, { length: 32 }, opt).base64;
      }
      const s = new keyvault.Secret(
        `${name}-seed`,
        {
          resourceGroupName: "existing" in vaultSpec ? (vaultSpec.existing.resourceGroupName ?? rg) : rg,
          vaultName,
          secretName: "keyplane-key-seed",
          properties: { value: pulumi.secret(value), contentType: "application/x-keyplane-key-seed+base64" },
          ...tags,
        },
        { parent, additionalSecretOutputs: ["properties"] },
      );
      seedSecretName = s.name;
    }

    // The one configuration document (KEYPLANE_CONFIG) and the policies, both in the Key Vault secret environment.
    const stores = pulumi.all([tableEndpoint, registryTable.name, usesTable.name]);
    const secretEnvJson = pulumi.secret(
      pulumi
        .all([
          policiesJson,
          pulumi.output(args.delivery),
          pulumi.output(args.entitlements),
          pulumi.output(args.license),
          cors,
          stores,
        ])
        .apply(([policies, settings, entitlements, license, corsAllowOrigins, [endpoint, registry, uses]]) => {
          const json = JSON.stringify({
            KEYPLANE_DELIVERY_POLICIES: policies,
            KEYPLANE_CONFIG: deliveryDocument("AzureKeyDelivery", {
              settings,
              corsAllowOrigins,
              useCounter: { type: "azureTable", endpoint, tableName: uses },
              contentKeyRegistry: { type: "azureTable", endpoint, tableName: registry },
              entitlements,
              license,
            }),
          });
          if (Buffer.byteLength(json) > MAX_SECRET_ENV_BYTES)
            fail(
              `the secret configuration takes ${Buffer.byteLength(json)} bytes; a Key Vault secret holds ${MAX_SECRET_ENV_BYTES} (use OpenID discovery or fewer keys)`,
            );
          return json;
        }),
    );
    const envSecret = new keyvault.Secret(
      `${name}-env`,
      {
        resourceGroupName: "existing" in vaultSpec ? (vaultSpec.existing.resourceGroupName ?? rg) : rg,
        vaultName,
        secretName: "keyplane-delivery-env",
        properties: { value: secretEnvJson, contentType: "application/json" },
        ...tags,
      },
      { parent, additionalSecretOutputs: ["properties"] },
    );

    // ---- roles: each secret (never the vault), each table, the account's blobs (host storage + package), telemetry
    const seedRead = assign("seed-reader", id.principalId, AZURE_ROLES.keyVaultSecretsUser, secretId(seedSecretName));
    const envRead = assign("env-reader", id.principalId, AZURE_ROLES.keyVaultSecretsUser, secretId(envSecret.name));
    const tableScope = (t: storage.Table) => pulumi.interpolate`${account.id}/tableServices/default/tables/${t.name}`;
    const regWrite = assign(
      "registry-reader",
      id.principalId,
      AZURE_ROLES.storageTableDataContributor,
      tableScope(registryTable),
    );
    const usesWrite = assign(
      "uses-writer",
      id.principalId,
      AZURE_ROLES.storageTableDataContributor,
      tableScope(usesTable),
    );
    const blobs = assign("host-storage", id.principalId, AZURE_ROLES.storageBlobDataOwner, account.id);
    const telemetry = assign("telemetry", id.principalId, AZURE_ROLES.monitoringMetricsPublisher, ai.id);
    const roles = [seedRead, envRead, regWrite, usesWrite, blobs, telemetry];

    // ---- package and app
    const pkg = flexPackage(AZURE_DELIVERY_ENTRY);
    this.bundleSizeBytes = pkg.sizeBytes;
    const blob = new storage.Blob(
      `${name}-package`,
      {
        resourceGroupName: rg,
        accountName: account.name,
        containerName: container.name,
        blobName: FLEX_PACKAGE_BLOB,
        type: "Block",
        contentType: "application/zip",
        source: pkg.archive,
      },
      opt,
    );

    // App settings: bootstrap names only (the configuration is in the secret environment).
    const appSettings = pulumi
      .all([account.name, id.clientId, ai.connectionString, secretUri(seedSecretName), secretUri(envSecret.name)])
      .apply(([accountName, clientId, aiConn, seedUri, envUri]) =>
        Object.entries<string>({
          AzureWebJobsStorage__accountName: accountName,
          AzureWebJobsStorage__credential: "managedidentity",
          AzureWebJobsStorage__clientId: clientId,
          AZURE_CLIENT_ID: clientId,
          // Not a secret: with local auth off on the component, only Entra ID-authenticated telemetry is accepted.
          APPLICATIONINSIGHTS_CONNECTION_STRING: aiConn,
          APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
          KEYPLANE_KEY_SEED_SECRET_URI: seedUri,
          KEYPLANE_SECRET_ENV_URI: envUri,
          // A new package changes this setting, which restarts the app onto the new blob.
          KEYPLANE_PACKAGE_SHA256: pkg.sha256,
        }).map(([n, value]) => ({ name: n, value })),
      );

    const app = this.flexApp(`${name}-fn`, {
      rg,
      loc,
      tags,
      pna,
      identityId: id.id,
      appSettings,
      blobEndpoint,
      containerName: container.name,
      maxInstances,
      memory,
      dependsOn: [...roles, blob],
    });

    if (customHost) {
      new web.WebAppHostNameBinding(
        `${name}-host`,
        {
          resourceGroupName: rg,
          name: app.name,
          hostName: customHost,
          ...(args.customDomain?.certificateThumbprint
            ? { sslState: "SniEnabled", thumbprint: args.customDomain.certificateThumbprint }
            : {}),
        },
        opt,
      );
    }

    // ---- optional SPEKE, never anonymous
    this.spekeUrl = pulumi.output(undefined);
    if (args.speke?.enabled) {
      const sp = args.speke;
      const spId = new managedidentity.UserAssignedIdentity(
        `${name}-speke-id`,
        { resourceGroupName: rg, ...loc, ...tags },
        opt,
      );
      const spRoles = [
        assign("speke-seed-reader", spId.principalId, AZURE_ROLES.keyVaultSecretsUser, secretId(seedSecretName)),
        assign(
          "speke-registry-writer",
          spId.principalId,
          AZURE_ROLES.storageTableDataContributor,
          tableScope(registryTable),
        ),
        assign("speke-host-storage", spId.principalId, AZURE_ROLES.storageBlobDataOwner, account.id),
        assign("speke-telemetry", spId.principalId, AZURE_ROLES.monitoringMetricsPublisher, ai.id),
      ];
      const spContainer = new storage.BlobContainer(
        `${name}-speke-deploy`,
        { resourceGroupName: rg, accountName: account.name, publicAccess: "None" },
        opt,
      );
      const spPkg = flexPackage(AZURE_SPEKE_ENTRY);
      const spBlob = new storage.Blob(
        `${name}-speke-package`,
        {
          resourceGroupName: rg,
          accountName: account.name,
          containerName: spContainer.name,
          blobName: FLEX_PACKAGE_BLOB,
          type: "Block",
          contentType: "application/zip",
          source: spPkg.archive,
        },
        opt,
      );
      const spSettings = pulumi
        .all([
          account.name,
          spId.clientId,
          ai.connectionString,
          secretUri(seedSecretName),
          tableEndpoint,
          registryTable.name,
          pulumi.output(sp.config ?? {}),
        ])
        .apply(([accountName, clientId, aiConn, seedUri, tables, reg, spekeConfig]) =>
          Object.entries<string>({
            AzureWebJobsStorage__accountName: accountName,
            AzureWebJobsStorage__credential: "managedidentity",
            AzureWebJobsStorage__clientId: clientId,
            AZURE_CLIENT_ID: clientId,
            APPLICATIONINSIGHTS_CONNECTION_STRING: aiConn,
            APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
            KEYPLANE_KEY_SEED_SECRET_URI: seedUri,
            // Nothing secret in SPEKE's document (templates, the registry table), so no secret environment here.
            KEYPLANE_CONFIG: keyplaneConfigJson("AzureKeyDelivery", {
              speke: spekeConfig,
              contentKeyRegistry: { type: "azureTable", endpoint: tables, tableName: reg },
            }),
            KEYPLANE_PACKAGE_SHA256: spPkg.sha256,
          }).map(([n, value]) => ({ name: n, value })),
        );
      const spApp = this.flexApp(`${name}-speke`, {
        rg,
        loc,
        tags,
        pna,
        identityId: spId.id,
        appSettings: spSettings,
        blobEndpoint,
        containerName: spContainer.name,
        maxInstances: Math.min(maxInstances, 10),
        memory,
        dependsOn: [...spRoles, spBlob],
      });
      const tenant = sp.tenantId ?? client.tenantId;
      new web.WebAppAuthSettingsV2WithoutSecrets(
        `${name}-speke-auth`,
        {
          resourceGroupName: rg,
          name: spApp.name,
          platform: { enabled: true },
          globalValidation: { requireAuthentication: true, unauthenticatedClientAction: "Return401" },
          identityProviders: {
            azureActiveDirectory: {
              enabled: true,
              registration: {
                clientId: sp.entraClientId,
                openIdIssuer: pulumi.interpolate`https://login.microsoftonline.com/${tenant}/v2.0`,
              },
              validation: {
                allowedAudiences: sp.allowedAudiences ?? [pulumi.interpolate`api://${sp.entraClientId}`],
                ...(sp.allowedApplications
                  ? { defaultAuthorizationPolicy: { allowedApplications: sp.allowedApplications } }
                  : {}),
              },
            },
          },
          login: { tokenStore: { enabled: false } },
          httpSettings: { requireHttps: true },
        },
        opt,
      );
      this.spekeUrl = pulumi.interpolate`https://${spApp.defaultHostName}/speke`;
    }

    const base = customHost
      ? pulumi.interpolate`https://${customHost}`
      : pulumi.interpolate`https://${app.defaultHostName}`;
    this.url = base;
    this.tokenUrl = pulumi.interpolate`${base}/token`;
    this.clearKeyLicenseUrl = pulumi.interpolate`${base}/clearkey`;
    this.hlsKeyUrlTemplate = pulumi.interpolate`${base}/hls/key/{kid}`;
    this.licenseUrlTemplate = pulumi.interpolate`${base}/license/{vendor}`;
    this.functionAppName = app.name;
    this.identity = pulumi
      .all([id.id, id.principalId, id.clientId])
      .apply(([i, p, c]) => ({ id: i, principalId: p, clientId: c }));
    this.keyVaultName = vaultName;
    this.keySeedSecretUri = secretUri(seedSecretName);
    this.storageAccountName = account.name;
    this.registryTableName = registryTable.name;
    this.useCounterTableName = usesTable.name;
    this.registerOutputs({
      url: this.url,
      tokenUrl: this.tokenUrl,
      clearKeyLicenseUrl: this.clearKeyLicenseUrl,
      hlsKeyUrlTemplate: this.hlsKeyUrlTemplate,
      licenseUrlTemplate: this.licenseUrlTemplate,
      functionAppName: this.functionAppName,
      identity: this.identity,
      keyVaultName: this.keyVaultName,
      keySeedSecretUri: this.keySeedSecretUri,
      storageAccountName: this.storageAccountName,
      registryTableName: this.registryTableName,
      useCounterTableName: this.useCounterTableName,
      spekeUrl: this.spekeUrl,
    });
  }

  /** A Flex Consumption plan + Linux Node.js 20 Function App deploying from `containerName` with its identity. */
  private flexApp(
    name: string,
    a: {
      rg: pulumi.Input<string>;
      loc: { location?: pulumi.Input<string> };
      tags: { tags?: pulumi.Input<Record<string, pulumi.Input<string>>> };
      pna: string;
      identityId: pulumi.Input<string>;
      appSettings: pulumi.Input<pulumi.Input<{ name: string; value: string }>[]>;
      blobEndpoint: pulumi.Input<string>;
      containerName: pulumi.Input<string>;
      maxInstances: number;
      memory: number;
      dependsOn: pulumi.Resource[];
    },
  ): web.WebApp {
    const opt = { parent: this };
    const plan = new web.AppServicePlan(
      `${name}-plan`,
      {
        resourceGroupName: a.rg,
        ...a.loc,
        ...a.tags,
        kind: "functionapp",
        sku: { tier: "FlexConsumption", name: "FC1" },
        reserved: true,
      },
      opt,
    );
    const app = new web.WebApp(
      name,
      {
        resourceGroupName: a.rg,
        ...a.loc,
        ...a.tags,
        kind: "functionapp,linux",
        serverFarmId: plan.id,
        httpsOnly: true,
        publicNetworkAccess: a.pna,
        clientCertEnabled: false,
        identity: { type: "UserAssigned", userAssignedIdentities: [a.identityId] },
        siteConfig: {
          minTlsVersion: "1.2",
          scmMinTlsVersion: "1.2",
          ftpsState: "Disabled",
          http20Enabled: true,
          appSettings: a.appSettings,
        },
        functionAppConfig: {
          deployment: {
            storage: {
              type: "blobContainer",
              value: pulumi.interpolate`${a.blobEndpoint}/${a.containerName}`,
              authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: a.identityId },
            },
          },
          runtime: { name: "node", version: "20" },
          scaleAndConcurrency: { maximumInstanceCount: a.maxInstances, instanceMemoryMB: a.memory },
        },
      },
      { ...opt, dependsOn: a.dependsOn },
    );
    new web.WebAppFtpAllowed(`${name}-ftp-off`, { resourceGroupName: a.rg, name: app.name, allow: false }, opt);
    new web.WebAppScmAllowed(`${name}-scm-basic-off`, { resourceGroupName: a.rg, name: app.name, allow: false }, opt);
    return app;
  }
}
