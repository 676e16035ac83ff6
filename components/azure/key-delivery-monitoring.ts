/** AzureKeyDelivery's telemetry: Application Insights on a Log Analytics workspace, local (key) authentication off. */
import type * as pulumi from "@pulumi/pulumi";
import * as insights from "@pulumi/azure-native/insights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type { AzurePlacement } from "./key-delivery-args";

export interface DeliveryMonitoring {
  workspace: operationalinsights.Workspace;
  /** Telemetry is accepted only with Entra ID (the apps' identities hold Monitoring Metrics Publisher on it). */
  ai: insights.Component;
}

export function deliveryMonitoring(
  name: string,
  a: AzurePlacement & { retention: number },
  opts: pulumi.CustomResourceOptions,
): DeliveryMonitoring {
  const workspace = new operationalinsights.Workspace(
    `${name}-logs`,
    {
      resourceGroupName: a.rg,
      ...a.loc,
      ...a.tags,
      sku: { name: "PerGB2018" },
      retentionInDays: a.retention,
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
    },
    opts,
  );
  const ai = new insights.Component(
    `${name}-ai`,
    {
      resourceGroupName: a.rg,
      ...a.loc,
      ...a.tags,
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: workspace.id,
      disableLocalAuth: true,
    },
    opts,
  );
  return { workspace, ai };
}
