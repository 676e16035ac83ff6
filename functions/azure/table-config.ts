/**
 * The `{ type: "azureTable", endpoint, tableName }` store setting shared by the content key registry
 * (`contentKeyRegistry`) and the replay counter (`delivery.useCounter`): schema only, no Azure SDK, so a Lambda
 * bundle that parses the configuration carries none of the Azure code.
 */
import * as z from "../zod";

/** A table name Azure accepts: 3-63 letters and digits, not starting with a digit. */
export const TABLE_NAME_RE = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
/** A storage account's table endpoint in any Azure cloud (`https://<account>.table.core.windows.net`). */
export const TABLE_ENDPOINT_RE = /^https:\/\/[a-z0-9]{3,24}\.table\.[a-z0-9.-]+\/?$/;

export const azureTableStoreSchema = z.strictObject({
  /** `azureTable`: an Azure Storage table reached with the managed identity (AzureKeyDelivery creates it). */
  type: z.literal("azureTable"),
  /** The storage account's table endpoint; the table is reached with the managed identity (no key, no SAS). */
  endpoint: z
    .string()
    .check(
      z.regex(
        TABLE_ENDPOINT_RE,
        "must be the storage account's table endpoint (https://<account>.table.core.windows.net)",
      ),
    ),
  /** The table's name: 3-63 letters and digits, starting with a letter. */
  tableName: z.string().check(z.regex(TABLE_NAME_RE, "must be 3-63 letters and digits, starting with a letter")),
});
export type AzureTableStoreConfig = z.infer<typeof azureTableStoreSchema>;

/** The endpoint without its trailing slash (the form the table clients take). */
export function tableEndpointOf(c: AzureTableStoreConfig): string {
  return c.endpoint.replace(/\/$/, "");
}
