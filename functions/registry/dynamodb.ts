/**
 * The content key registry on AWS: one DynamoDB item per KID (`kid` = 32 lowercase hex digits, `contentId`,
 * `servedAt` = ISO time a SPEKE request wrote it). The SPEKE function may only `PutItem` (conditional: a new KID, or
 * the same content id again, so a KID's first content id stays), key delivery may only `GetItem` (strongly
 * consistent). Answers are cached per process (cached.ts).
 */
import type { DynamoDBClient, GetItemCommandOutput } from "@aws-sdk/client-dynamodb";
import { loadDynamoDb } from "../aws/dynamodb";
import { CachedContentKeyRegistry, type RegistryCacheOptions } from "./cached";
import { kidConflict, registryUnavailable } from "./registry";

export interface DynamoContentKeyRegistryOptions extends RegistryCacheOptions {
  tableName: string;
  /** A client of your own (region, endpoint); default: one created on first use with the SDK's default chain. */
  client?: DynamoDBClient;
}

export class DynamoContentKeyRegistry extends CachedContentKeyRegistry {
  readonly description: string;
  private client: DynamoDBClient | undefined;
  private readonly table: string;

  constructor(private readonly opts: DynamoContentKeyRegistryOptions) {
    super(opts);
    if (!opts.tableName) throw registryUnavailable(undefined, "DynamoContentKeyRegistry needs a tableName");
    this.table = opts.tableName;
    this.description = `dynamodb ${opts.tableName}`;
  }

  private async db() {
    const sdk = await loadDynamoDb();
    const client = (this.client ??= this.opts.client ?? new sdk.DynamoDBClient({}));
    return { client, sdk };
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

  protected async writeOne(_hex: string, kid: Buffer, contentId: string, at: number): Promise<void> {
    try {
      const { client, sdk } = await this.db();
      await client.send(new sdk.PutItemCommand(this.putInput(contentId, kid, at)));
    } catch (e) {
      // The condition fails only when the KID is recorded for another content id.
      if ((e as Error).name === "ConditionalCheckFailedException") throw kidConflict(kid);
      throw registryUnavailable(e, (e as Error).name);
    }
  }

  protected async readOne(hex: string): Promise<string | undefined> {
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
    return out.Item?.contentId?.S;
  }
}
