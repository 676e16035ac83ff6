/**
 * Azure Table Storage clients for the content key registry and the replay counter, authenticated with the managed
 * identity (Storage Table Data Contributor on the account or table); `@azure/data-tables` is loaded on first use.
 * The stores take a ready client in tests (Azurite, the storage emulator, with its development key).
 */
import type { TableClient } from "@azure/data-tables";
import { azureCredential, type TokenCredential } from "./credential";

/** The subset of `TableClient` the stores use (conditional writes: create-if-absent, replace/merge with If-Match). */
export type TableClientLike = Pick<TableClient, "getEntity" | "createEntity" | "updateEntity">;

/** A `TableClient` for `table` at `endpoint` (`https://<account>.table.core.windows.net`) with a token credential. */
export function azureTableClient(endpoint: string, table: string, credential?: TokenCredential): TableClient {
  const { TableClient } = require("@azure/data-tables") as typeof import("@azure/data-tables");
  return new TableClient(endpoint, table, credential ?? azureCredential());
}

/** The HTTP status of a failed Table Storage call (404 absent, 409 exists, 412 ETag mismatch), or undefined. */
export function tableStatus(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === "number" ? s : undefined;
}

export { TABLE_NAME_RE } from "./table-config";

/** The service's error code (`x-ms-error-code`: `ResourceNotFound`, `TableNotFound`, `EntityAlreadyExists`, ...). */
export function tableErrorCode(e: unknown): string | undefined {
  const x = e as {
    details?: { errorCode?: unknown };
    response?: { headers?: { get?(n: string): string | undefined } };
  } | null;
  const c = x?.details?.errorCode ?? x?.response?.headers?.get?.("x-ms-error-code");
  return typeof c === "string" ? c : undefined;
}

/** A 404 for the entity (absent), not for the table (a missing table is an outage, never "no record"). */
export function isEntityAbsent(e: unknown): boolean {
  return tableStatus(e) === 404 && tableErrorCode(e) !== "TableNotFound";
}
