/**
 * The replay counter for AWS: one DynamoDB item per token (`pk` = replay id), `UpdateItem ADD uses :one` returns the
 * new total atomically across every Lambda instance; `expiresAt` (epoch seconds) is the table's TTL attribute.
 */
import type { DynamoDBClient, UpdateItemCommandOutput } from "@aws-sdk/client-dynamodb";
import { loadDynamoDb } from "../aws/dynamodb";
import { KeyplaneError } from "../errors";
import type { UseCounter } from "./counter";

export interface DynamoUseCounterOptions {
  tableName: string;
  client?: DynamoDBClient;
  /** Partition key attribute name. Default `pk`. */
  keyAttribute?: string;
  /** TTL attribute name (enable TTL on it). Default `expiresAt`. */
  ttlAttribute?: string;
  now?: () => number;
}

export class DynamoUseCounter implements UseCounter {
  private client: DynamoDBClient | undefined;
  private readonly table: string;
  private readonly keyAttr: string;
  private readonly ttlAttr: string;
  private readonly now: () => number;

  constructor(opts: DynamoUseCounterOptions) {
    if (!opts.tableName)
      throw new KeyplaneError("USE_COUNTER_CONFIG_INVALID", "DynamoUseCounter needs a tableName", {
        status: 500,
        expose: false,
      });
    this.client = opts.client; // else created on first use
    this.table = opts.tableName;
    this.keyAttr = opts.keyAttribute ?? "pk";
    this.ttlAttr = opts.ttlAttribute ?? "expiresAt";
    this.now = opts.now ?? Date.now;
  }

  /** The UpdateItem input (exposed for tests of the request shape). */
  updateInput(id: string, ttlSeconds: number) {
    const expiresAt = Math.ceil(this.now() / 1000) + Math.max(1, Math.ceil(ttlSeconds));
    return {
      TableName: this.table,
      Key: { [this.keyAttr]: { S: id } },
      UpdateExpression: "ADD #uses :one SET #ttl = if_not_exists(#ttl, :exp)",
      ExpressionAttributeNames: { "#uses": "uses", "#ttl": this.ttlAttr },
      ExpressionAttributeValues: { ":one": { N: "1" }, ":exp": { N: String(expiresAt) } },
      ReturnValues: "UPDATED_NEW" as const,
    };
  }

  async increment(id: string, ttlSeconds: number): Promise<number> {
    let out: UpdateItemCommandOutput;
    try {
      const sdk = await loadDynamoDb();
      this.client ??= new sdk.DynamoDBClient({});
      out = await this.client.send(new sdk.UpdateItemCommand(this.updateInput(id, ttlSeconds)));
    } catch (e) {
      throw new KeyplaneError("USE_COUNTER_UNAVAILABLE", "Replay counter unavailable", {
        status: 503,
        cause: e,
        detail: { reason: (e as Error).name },
      });
    }
    const n = Number(out.Attributes?.uses?.N);
    if (!Number.isInteger(n) || n < 1)
      throw new KeyplaneError("USE_COUNTER_UNAVAILABLE", "Replay counter returned no count", { status: 503 });
    return n;
  }
}
