/**
 * The content key registry on AWS: one DynamoDB item per KID (`kid` = 32 lowercase hex digits, `contentId`,
 * `servedAt` = ISO time a SPEKE request wrote it). The SPEKE function may only `PutItem` (conditional: a new KID, or
 * the same content id again, so a KID's first content id stays), key delivery may only `GetItem` (strongly consistent). Answers are cached per process: a KID's
 * content id never changes, so a hit is kept for good (bounded); a miss is remembered for a few seconds so a flood of
 * unknown KIDs costs one read per KID and container, not one per request.
 */
import type { DynamoDBClient, GetItemCommandOutput } from "@aws-sdk/client-dynamodb";
import { loadDynamoDb } from "../aws/dynamodb";
import { checkRecord, kidConflict, registryUnavailable, type ContentKeyRegistry } from "./registry";

export interface DynamoContentKeyRegistryOptions {
  tableName: string;
  /** A client of your own (region, endpoint); default: one created on first use with the SDK's default chain. */
  client?: DynamoDBClient;
  /** How long a KID found absent is remembered. Default 5 s. */
  missTtlSeconds?: number;
  /** At most this many KIDs cached (hits and misses). Default 100,000 (about 20 MB). */
  maxCached?: number;
  now?: () => number;
}

export class DynamoContentKeyRegistry implements ContentKeyRegistry {
  readonly description: string;
  private client: DynamoDBClient | undefined;
  private readonly table: string;
  private readonly missTtlMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;
  /** hex KID -> content id, or the time a miss expires. */
  private readonly cache = new Map<string, string | number>();

  constructor(private readonly opts: DynamoContentKeyRegistryOptions) {
    if (!opts.tableName) throw registryUnavailable(undefined, "DynamoContentKeyRegistry needs a tableName");
    this.table = opts.tableName;
    this.description = `dynamodb ${opts.tableName}`;
    this.missTtlMs = (opts.missTtlSeconds ?? 5) * 1000;
    this.maxCached = Math.max(1, opts.maxCached ?? 100_000);
    this.now = opts.now ?? Date.now;
  }

  private async db() {
    const sdk = await loadDynamoDb();
    const client = (this.client ??= this.opts.client ?? new sdk.DynamoDBClient({}));
    return { client, sdk };
  }

  private remember(hex: string, v: string | number): void {
    if (this.cache.size >= this.maxCached) this.cache.clear();
    this.cache.set(hex, v);
  }

  /** The PutItem input for one KID (exposed for tests of the request shape and of the IAM it needs). */
  putInput(contentId: string, kid: Buffer, at: number) {
    return {
      TableName: this.table,
      Item: {
        kid: { S: kid.toString("hex") },
        contentId: { S: contentId },
        servedAt: { S: new Date(at).toISOString() },
      },
      ConditionExpression: "attribute_not_exists(kid) OR contentId = :contentId",
      ExpressionAttributeValues: { ":contentId": { S: contentId } },
    };
  }

  async record(contentId: string, kids: readonly Buffer[], at: number): Promise<void> {
    checkRecord(contentId, kids);
    const todo = kids.filter(
      (k, i) => this.cache.get(k.toString("hex")) !== contentId && kids.findIndex((o) => o.equals(k)) === i,
    );
    for (const k of todo) {
      const c = this.cache.get(k.toString("hex"));
      if (typeof c === "string" && c !== contentId) throw kidConflict(k);
    }
    await Promise.all(
      todo.map(async (k) => {
        const hex = k.toString("hex");
        try {
          const { client, sdk } = await this.db();
          await client.send(new sdk.PutItemCommand(this.putInput(contentId, k, at)));
        } catch (e) {
          // The condition fails only when the KID is recorded for another content id.
          if ((e as Error).name === "ConditionalCheckFailedException") throw kidConflict(k);
          throw registryUnavailable(e, (e as Error).name);
        }
        this.remember(hex, contentId);
      }),
    );
  }

  async contentIdOf(kid: Buffer): Promise<string | undefined> {
    const hex = kid.toString("hex");
    const c = this.peek(kid);
    if (typeof c === "string") return c;
    if (c === null) return undefined;
    let out: GetItemCommandOutput;
    try {
      const { client, sdk } = await this.db();
      out = await client.send(
        new sdk.GetItemCommand({
          TableName: this.table,
          Key: { kid: { S: hex } },
          ConsistentRead: true,
          ProjectionExpression: "contentId",
        }),
      );
    } catch (e) {
      throw registryUnavailable(e, (e as Error).name);
    }
    const found = out.Item?.contentId?.S;
    this.remember(hex, found ?? this.now() + this.missTtlMs);
    return found;
  }

  peek(kid: Buffer): string | null | undefined {
    const c = this.cache.get(kid.toString("hex"));
    if (c === undefined || typeof c === "string") return c;
    return c > this.now() ? null : undefined;
  }
}
