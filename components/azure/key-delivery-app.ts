/**
 * A Keyplane Function App on Flex Consumption, as both the delivery and the SPEKE app are made: the entry's own bundle
 * as the deployment package (a blob the app deploys from with its identity), identity-based app settings that hold no
 * secret, and the plan, app and publishing-credential policies.
 *
 * `web/v20240401` because the default module (API 2022-09-01) lacks `functionAppConfig` (Flex Consumption) and the
 * publishing-credential policies.
 */
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web/v20240401";
import { bundleFunction } from "../shared/bundle";
import type { AzurePlacement } from "./key-delivery-args";

/** The blob name Flex Consumption deploys from (One Deploy's package name). */
export const FLEX_PACKAGE_BLOB = "released-package.zip";

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

export interface FlexFunctionAppArgs extends AzurePlacement {
  pna: string;
  /** The bundled entry (functions/runtimes/entries/azure-*.ts). */
  entry: string;
  /** The app's user-assigned identity: its resource id and client id. */
  identityId: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
  /** The storage account (host storage and package) and the app's deployment container in it. */
  accountName: pulumi.Input<string>;
  blobEndpoint: pulumi.Input<string>;
  containerName: pulumi.Input<string>;
  aiConnectionString: pulumi.Input<string>;
  seedSecretUri: pulumi.Input<string>;
  /** The app's own settings, after the shared ones (names and URIs only, never a secret value). */
  settings: pulumi.Input<Record<string, string>>;
  maxInstances: number;
  memory: number;
  /** The identity's role assignments: the app starts only once they exist. */
  roles: pulumi.Resource[];
}

/**
 * Uploads the package as `names.blob` and creates the app `names.app` (plan `<app>-plan`, `<app>-ftp-off`,
 * `<app>-scm-basic-off`), deploying from it once the roles exist.
 */
export function flexFunctionApp(
  names: { app: string; blob: string },
  a: FlexFunctionAppArgs,
  opts: pulumi.CustomResourceOptions,
): { app: web.WebApp; sizeBytes: number } {
  const pkg = flexPackage(a.entry);
  const blob = new storage.Blob(
    names.blob,
    {
      resourceGroupName: a.rg,
      accountName: a.accountName,
      containerName: a.containerName,
      blobName: FLEX_PACKAGE_BLOB,
      type: "Block",
      contentType: "application/zip",
      source: pkg.archive,
    },
    opts,
  );
  // App settings: bootstrap names only (configuration lives in Key Vault or, with nothing secret, in the app's own settings).
  const appSettings = pulumi
    .all([a.accountName, a.clientId, a.aiConnectionString, a.seedSecretUri, a.settings])
    .apply(([accountName, clientId, aiConn, seedUri, settings]) =>
      Object.entries<string>({
        AzureWebJobsStorage__accountName: accountName,
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: clientId,
        AZURE_CLIENT_ID: clientId,
        // Not a secret: with local auth off on the component, only Entra ID-authenticated telemetry is accepted.
        APPLICATIONINSIGHTS_CONNECTION_STRING: aiConn,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
        KEYPLANE_KEY_SEED_SECRET_URI: seedUri,
        ...settings,
        // A new package changes this setting, which restarts the app onto the new blob.
        KEYPLANE_PACKAGE_SHA256: pkg.sha256,
      }).map(([n, value]) => ({ name: n, value })),
    );
  const app = flexApp(names.app, { ...a, appSettings, dependsOn: [...a.roles, blob] }, opts);
  return { app, sizeBytes: pkg.sizeBytes };
}

/** A Flex Consumption plan + Linux Node.js 20 Function App deploying from `containerName` with its identity. */
function flexApp(
  name: string,
  a: AzurePlacement & {
    pna: string;
    identityId: pulumi.Input<string>;
    appSettings: pulumi.Input<pulumi.Input<{ name: string; value: string }>[]>;
    blobEndpoint: pulumi.Input<string>;
    containerName: pulumi.Input<string>;
    maxInstances: number;
    memory: number;
    dependsOn: pulumi.Resource[];
  },
  opts: pulumi.CustomResourceOptions,
): web.WebApp {
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
    opts,
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
    { ...opts, dependsOn: a.dependsOn },
  );
  new web.WebAppFtpAllowed(`${name}-ftp-off`, { resourceGroupName: a.rg, name: app.name, allow: false }, opts);
  new web.WebAppScmAllowed(`${name}-scm-basic-off`, { resourceGroupName: a.rg, name: app.name, allow: false }, opts);
  return app;
}
