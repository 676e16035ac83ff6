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
    z.strictObject({
      /** `memory`: one process (tests, a single self-hosted server); forgotten on restart. The default. */
      type: z.literal("memory"),
    }),
    z.strictObject({
      /** `file`: one JSON line per KID in a local file, survives restarts (the lab). */
      type: z.literal("file"),
      /** The JSONL file (the lab: `.keyplane/content-keys.jsonl`). */
      path: z.string().check(z.minLength(1)),
    }),
    z.strictObject({
      /** `dynamodb`: a table shared by SPEKE (PutItem only) and key delivery (GetItem only); hash key `kid`. */
      type: z.literal("dynamodb"),
      /** The registry's DynamoDB table (1–255 characters; the AWS components create a ContentKeyRegistryTable). */
      tableName: z.string().check(z.minLength(1), z.maxLength(255)),
    }),
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
