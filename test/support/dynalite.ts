/**
 * A real DynamoDB API on loopback for the tests: `dynalite` (an implementation of the DynamoDB wire protocol on
 * LevelDB, from npm), in memory, spoken to with the real AWS SDK v3 client.
 */
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  type AttributeDefinition,
} from "@aws-sdk/client-dynamodb";
// dynalite ships no types: it is a function returning a node:http server.
const dynalite = require("dynalite") as (opts: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => import("node:http").Server;

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** Creates a PAY_PER_REQUEST table with a string hash key. */
  createTable(name: string, hashKey: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return {
    client,
    endpoint,
    async createTable(name, hashKey) {
      const KeySchema: KeySchemaElement[] = [{ AttributeName: hashKey, KeyType: "HASH" }];
      const AttributeDefinitions: AttributeDefinition[] = [{ AttributeName: hashKey, AttributeType: "S" }];
      await client.send(
        new CreateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST", KeySchema, AttributeDefinitions }),
      );
    },
    close: () => {
      client.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
