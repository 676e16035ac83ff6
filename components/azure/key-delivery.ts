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
 *
 * Every child is created with `{ parent: this }` (its URN names this component) by a free function per concern:
 * arguments and checks (key-delivery-args.ts), storage (key-delivery-storage.ts), telemetry
 * (key-delivery-monitoring.ts), the vault and its secrets (key-delivery-vault.ts), identities and roles
 * (key-delivery-identity.ts), the Flex package and app both apps share (key-delivery-app.ts), SPEKE
 * (key-delivery-speke.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as web from "@pulumi/azure-native/web/v20240401";
import { type AzureKeyDeliveryArgs, type AzurePlacement, checkAzureKeyDeliveryArgs } from "./key-delivery-args";
import { flexFunctionApp } from "./key-delivery-app";
import { appIdentity, deliveryRoles, roleAssigner } from "./key-delivery-identity";
import { deliveryMonitoring } from "./key-delivery-monitoring";
import { spekeApp } from "./key-delivery-speke";
import { deliveryStorage } from "./key-delivery-storage";
import { deliveryVault, keySeedSecret, secretEnvironment } from "./key-delivery-vault";

export {
  type AzureKeyDeliveryArgs,
  type AzureKeySeedSpec,
  type AzureKeyVaultSpec,
  type AzureSpekeArgs,
  checkAzureCorsOrigins,
  checkAzurePolicies,
} from "./key-delivery-args";
export { FLEX_PACKAGE_BLOB, flexPackage } from "./key-delivery-app";
export { AZURE_ROLES } from "./key-delivery-identity";
export { AZURE_SPEKE_ENTRY } from "./key-delivery-speke";
export { MAX_SECRET_ENV_BYTES } from "./key-delivery-vault";

export const AZURE_DELIVERY_ENTRY = "functions/runtimes/entries/azure-delivery.ts";

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
    const s = checkAzureKeyDeliveryArgs(args);
    const opt = { parent: this };
    const at: AzurePlacement = {
      rg: args.resourceGroupName,
      loc: args.location !== undefined ? { location: args.location } : {},
      tags: args.tags !== undefined ? { tags: args.tags } : {},
    };
    const client = authorization.getClientConfigOutput(opt);

    // Identity first, so its roles exist before the app starts.
    const id = appIdentity(`${name}-id`, at, opt);
    const assign = roleAssigner(name, client.subscriptionId, opt);
    const st = deliveryStorage(name, { ...at, pna: s.pna }, opt);
    const { ai } = deliveryMonitoring(name, { ...at, retention: s.retention }, opt);
    const vault = deliveryVault(name, { ...at, pna: s.pna, tenantId: client.tenantId, vaultSpec: s.vaultSpec }, opt);
    const seedSecretName = keySeedSecret(name, { tags: at.tags, vault, seedSpec: s.seedSpec }, opt);
    const envSecret = secretEnvironment(
      name,
      {
        tags: at.tags,
        vault,
        policiesJson: s.policiesJson,
        cors: s.cors,
        delivery: args.delivery,
        entitlements: args.entitlements,
        license: args.license,
        tableEndpoint: st.tableEndpoint,
        registryTableName: st.registryTable.name,
        useCounterTableName: st.usesTable.name,
      },
      opt,
    );
    const roles = deliveryRoles(assign, {
      principalId: id.principalId,
      seedSecretId: vault.secretId(seedSecretName),
      envSecretId: vault.secretId(envSecret.name),
      account: st.account,
      registryTable: st.registryTable,
      usesTable: st.usesTable,
      ai,
    });
    const { app, sizeBytes } = flexFunctionApp(
      { app: `${name}-fn`, blob: `${name}-package` },
      {
        ...at,
        pna: s.pna,
        entry: AZURE_DELIVERY_ENTRY,
        identityId: id.id,
        clientId: id.clientId,
        accountName: st.account.name,
        blobEndpoint: st.blobEndpoint,
        containerName: st.container.name,
        aiConnectionString: ai.connectionString,
        seedSecretUri: vault.secretUri(seedSecretName),
        settings: vault.secretUri(envSecret.name).apply((u) => ({ KEYPLANE_SECRET_ENV_URI: u })),
        maxInstances: s.maxInstances,
        memory: s.memory,
        roles,
      },
      opt,
    );
    this.bundleSizeBytes = sizeBytes;

    if (s.customHost) {
      new web.WebAppHostNameBinding(
        `${name}-host`,
        {
          resourceGroupName: at.rg,
          name: app.name,
          hostName: s.customHost,
          ...(args.customDomain?.certificateThumbprint
            ? { sslState: "SniEnabled", thumbprint: args.customDomain.certificateThumbprint }
            : {}),
        },
        opt,
      );
    }

    this.spekeUrl = args.speke?.enabled
      ? spekeApp(
          name,
          {
            ...at,
            speke: args.speke,
            pna: s.pna,
            tenantId: client.tenantId,
            assign,
            seedSecretId: vault.secretId(seedSecretName),
            seedSecretUri: vault.secretUri(seedSecretName),
            account: st.account,
            registryTable: st.registryTable,
            tableEndpoint: st.tableEndpoint,
            blobEndpoint: st.blobEndpoint,
            ai,
            maxInstances: s.maxInstances,
            memory: s.memory,
          },
          opt,
        )
      : pulumi.output(undefined);

    const base = s.customHost
      ? pulumi.interpolate`https://${s.customHost}`
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
    this.keyVaultName = vault.vaultName;
    this.keySeedSecretUri = vault.secretUri(seedSecretName);
    this.storageAccountName = st.account.name;
    this.registryTableName = st.registryTable.name;
    this.useCounterTableName = st.usesTable.name;
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
}
