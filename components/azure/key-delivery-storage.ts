/**
 * AzureKeyDelivery's storage account: Functions host storage, the deployment package container and the two tables
 * (content key registry, maxuses counters), all reached with the identity at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type { AzurePlacement } from "./key-delivery-args";

export interface DeliveryStorage {
  account: storage.StorageAccount;
  /** The delivery app's deployment container. */
  container: storage.BlobContainer;
  registryTable: storage.Table;
  usesTable: storage.Table;
  /** Table and blob endpoints without the trailing slash. */
  tableEndpoint: pulumi.Output<string>;
  blobEndpoint: pulumi.Output<string>;
}

export function deliveryStorage(
  name: string,
  a: AzurePlacement & { pna: string },
  opts: pulumi.CustomResourceOptions,
): DeliveryStorage {
  const account = new storage.StorageAccount(
    `${name}-st`,
    {
      resourceGroupName: a.rg,
      ...a.loc,
      ...a.tags,
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      publicNetworkAccess: a.pna,
      // Account keys stay enabled only for Pulumi's own package upload (storage.Blob); nothing at run time uses them.
      allowSharedKeyAccess: true,
    },
    opts,
  );
  const container = new storage.BlobContainer(
    `${name}-deploy`,
    { resourceGroupName: a.rg, accountName: account.name, publicAccess: "None" },
    opts,
  );
  const registryTable = new storage.Table(
    `${name}-registry`,
    { resourceGroupName: a.rg, accountName: account.name, tableName: "keyplaneregistry" },
    opts,
  );
  const usesTable = new storage.Table(
    `${name}-uses`,
    { resourceGroupName: a.rg, accountName: account.name, tableName: "keyplaneuses" },
    opts,
  );
  return {
    account,
    container,
    registryTable,
    usesTable,
    tableEndpoint: account.primaryEndpoints.apply((e) => e.table.replace(/\/$/, "")),
    blobEndpoint: account.primaryEndpoints.apply((e) => e.blob.replace(/\/$/, "")),
  };
}
