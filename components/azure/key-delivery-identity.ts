/**
 * AzureKeyDelivery's identities and their roles: a user-assigned identity per app, and role assignments scoped as
 * narrowly as Azure allows (each secret, never the vault; each table; the account's blobs; telemetry).
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type * as insights from "@pulumi/azure-native/insights";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import type * as storage from "@pulumi/azure-native/storage";
import type { AzurePlacement } from "./key-delivery-args";

/** Built-in Azure role definition ids (Azure built-in roles reference). */
export const AZURE_ROLES = {
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f4bc1a67be5",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

function roleDefinition(subscriptionId: pulumi.Input<string>, role: string): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

/** Grants `role` on `scope` to a service principal, as the role assignment `<name>-<slug>`. */
export type AssignRole = (
  slug: string,
  principalId: pulumi.Input<string>,
  role: string,
  scope: pulumi.Input<string>,
) => authorization.RoleAssignment;

export function roleAssigner(
  name: string,
  subscriptionId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): AssignRole {
  return (slug, principalId, role, scope) =>
    new authorization.RoleAssignment(
      `${name}-${slug}`,
      { principalId, principalType: "ServicePrincipal", roleDefinitionId: roleDefinition(subscriptionId, role), scope },
      opts,
    );
}

/** An app's user-assigned identity (created before the app, so its roles exist when the app starts). */
export function appIdentity(
  name: string,
  a: AzurePlacement,
  opts: pulumi.CustomResourceOptions,
): managedidentity.UserAssignedIdentity {
  return new managedidentity.UserAssignedIdentity(name, { resourceGroupName: a.rg, ...a.loc, ...a.tags }, opts);
}

/** The resource id of one table (a role assignment scope). */
export function tableScope(account: storage.StorageAccount, table: storage.Table): pulumi.Output<string> {
  return pulumi.interpolate`${account.id}/tableServices/default/tables/${table.name}`;
}

/** The delivery app's roles: read each of its two secrets, write each table, own the account's blobs, publish telemetry. */
export function deliveryRoles(
  assign: AssignRole,
  a: {
    principalId: pulumi.Input<string>;
    seedSecretId: pulumi.Input<string>;
    envSecretId: pulumi.Input<string>;
    account: storage.StorageAccount;
    registryTable: storage.Table;
    usesTable: storage.Table;
    ai: insights.Component;
  },
): authorization.RoleAssignment[] {
  const p = a.principalId;
  return [
    assign("seed-reader", p, AZURE_ROLES.keyVaultSecretsUser, a.seedSecretId),
    assign("env-reader", p, AZURE_ROLES.keyVaultSecretsUser, a.envSecretId),
    assign("registry-reader", p, AZURE_ROLES.storageTableDataContributor, tableScope(a.account, a.registryTable)),
    assign("uses-writer", p, AZURE_ROLES.storageTableDataContributor, tableScope(a.account, a.usesTable)),
    assign("host-storage", p, AZURE_ROLES.storageBlobDataOwner, a.account.id),
    assign("telemetry", p, AZURE_ROLES.monitoringMetricsPublisher, a.ai.id),
  ];
}
