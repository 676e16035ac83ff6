/**
 * Where the content key registry lives (`contentKeyRegistry` in the Keyplane configuration), shared by SPEKE (which
 * writes) and key delivery (which reads): `memory` (one process: tests, a single self-hosted server), `file` (the lab:
 * `.keyplane/content-keys.jsonl`), `dynamodb` (AWS: the table the components create), `azureTable` (Azure: the table
 * AzureKeyDelivery creates; built by the Azure apps and `createApp`, not by the Lambda entries, whose bundles carry no
 * Azure code).
 */
import * as z from "../zod";
import { KeyplaneError } from "../errors";
import { azureTableStoreSchema } from "../azure/table-config";
import { FileContentKeyRegistry } from "./file";
import { DynamoContentKeyRegistry } from "./dynamodb";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "./registry";

export const contentKeyRegistryConfigSchema = z._default(
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("memory") }),
    z.strictObject({ type: z.literal("file"), path: z.string().check(z.minLength(1)) }),
    z.strictObject({ type: z.literal("dynamodb"), tableName: z.string().check(z.minLength(1), z.maxLength(255)) }),
    azureTableStoreSchema,
  ]),
  { type: "memory" },
);

export type ContentKeyRegistryConfig = z.infer<typeof contentKeyRegistryConfigSchema>;

export function createContentKeyRegistry(config: ContentKeyRegistryConfig): ContentKeyRegistry {
  switch (config.type) {
    case "file":
      return new FileContentKeyRegistry(config.path);
    case "dynamodb":
      return new DynamoContentKeyRegistry({ tableName: config.tableName });
    case "azureTable":
      throw new KeyplaneError(
        "CONFIG_INVALID",
        "contentKeyRegistry: azureTable is served by the Azure Functions apps and createApp (keyplane/core), not by this function",
        { status: 500 },
      );
    default:
      return new MemoryContentKeyRegistry();
  }
}
