/**
 * AzureKeyDelivery's optional SPEKE app, never anonymous: its own identity (read the seed secret, write the registry,
 * nothing else of delivery's), its own deployment container and Flex app, behind App Service Authentication (Entra ID,
 * authentication required, 401 otherwise).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as insights from "@pulumi/azure-native/insights";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web/v20240401";
import { keyplaneConfigJson } from "../shared/keyplane-config";
import type { AzurePlacement, AzureSpekeArgs } from "./key-delivery-args";
import { flexFunctionApp } from "./key-delivery-app";
import { AZURE_ROLES, type AssignRole, appIdentity, tableScope } from "./key-delivery-identity";

export const AZURE_SPEKE_ENTRY = "functions/runtimes/entries/azure-speke.ts";

export interface SpekeAppArgs extends AzurePlacement {
  speke: AzureSpekeArgs;
  pna: string;
  /** The deployer's tenant, when `speke.tenantId` is not given. */
  tenantId: pulumi.Input<string>;
  assign: AssignRole;
  seedSecretId: pulumi.Input<string>;
  seedSecretUri: pulumi.Input<string>;
  account: storage.StorageAccount;
  registryTable: storage.Table;
  tableEndpoint: pulumi.Input<string>;
  blobEndpoint: pulumi.Input<string>;
  ai: insights.Component;
  /** The delivery app's limit; SPEKE takes at most 10. */
  maxInstances: number;
  memory: number;
}

/** Creates the SPEKE app `<name>-speke` and its children; returns its URL (`…/speke`). */
export function spekeApp(name: string, a: SpekeAppArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const sp = a.speke;
  const id = appIdentity(`${name}-speke-id`, a, opts);
  const roles = [
    a.assign("speke-seed-reader", id.principalId, AZURE_ROLES.keyVaultSecretsUser, a.seedSecretId),
    a.assign(
      "speke-registry-writer",
      id.principalId,
      AZURE_ROLES.storageTableDataContributor,
      tableScope(a.account, a.registryTable),
    ),
    a.assign("speke-host-storage", id.principalId, AZURE_ROLES.storageBlobDataOwner, a.account.id),
    a.assign("speke-telemetry", id.principalId, AZURE_ROLES.monitoringMetricsPublisher, a.ai.id),
  ];
  const container = new storage.BlobContainer(
    `${name}-speke-deploy`,
    { resourceGroupName: a.rg, accountName: a.account.name, publicAccess: "None" },
    opts,
  );
  // Nothing secret in SPEKE's document (templates, the registry table), so no secret environment here.
  const settings = pulumi
    .all([a.tableEndpoint, a.registryTable.name, pulumi.output(sp.config ?? {})])
    .apply(([tables, reg, spekeConfig]) => ({
      KEYPLANE_CONFIG: keyplaneConfigJson("AzureKeyDelivery", {
        speke: spekeConfig,
        contentKeyRegistry: { type: "azureTable", endpoint: tables, tableName: reg },
      }),
    }));
  const { app } = flexFunctionApp(
    { app: `${name}-speke`, blob: `${name}-speke-package` },
    {
      rg: a.rg,
      loc: a.loc,
      tags: a.tags,
      pna: a.pna,
      entry: AZURE_SPEKE_ENTRY,
      identityId: id.id,
      clientId: id.clientId,
      accountName: a.account.name,
      blobEndpoint: a.blobEndpoint,
      containerName: container.name,
      aiConnectionString: a.ai.connectionString,
      seedSecretUri: a.seedSecretUri,
      settings,
      maxInstances: Math.min(a.maxInstances, 10),
      memory: a.memory,
      roles,
    },
    opts,
  );
  const tenant = sp.tenantId ?? a.tenantId;
  new web.WebAppAuthSettingsV2WithoutSecrets(
    `${name}-speke-auth`,
    {
      resourceGroupName: a.rg,
      name: app.name,
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
    opts,
  );
  return pulumi.interpolate`https://${app.defaultHostName}/speke`;
}
