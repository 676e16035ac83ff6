/**
 * ContentKeyRegistryTable: the DynamoDB table of the content key registry (functions/registry/dynamodb.ts): one item
 * per KID served by SPEKE (`kid` hash key, `contentId`, `servedAt`). `SpekeKeyServer` may only PutItem into it,
 * `KeyDeliveryApi` may only GetItem from it; key delivery resolves content-id policy bindings through it, never through
 * anything a viewer sends. `SpekeKeyServer` creates one when it is given none; create it yourself to share one table
 * between several key servers, or to create key delivery first.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An existing registry table (this component's outputs, or a table you manage with hash key `kid` of type S). */
export interface ContentKeyRegistryRef {
  tableName: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
}

export interface ContentKeyRegistryTableArgs {
  /** Customer managed KMS key for the table. Default: the AWS owned key. */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Refuse deletion of the table (default true): without its records, KIDs served for content ids fall back to KID
   * bindings and the default policy.
   */
  deletionProtection?: pulumi.Input<boolean>;
  /** Tags for the table. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const CONTENT_KEY_REGISTRY_HASH_KEY = "kid";

export class ContentKeyRegistryTable extends pulumi.ComponentResource {
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;

  constructor(name: string, args: ContentKeyRegistryTableArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:ContentKeyRegistryTable", name, {}, opts);
    const table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: CONTENT_KEY_REGISTRY_HASH_KEY,
        attributes: [{ name: CONTENT_KEY_REGISTRY_HASH_KEY, type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, ...(args.kmsKeyArn ? { kmsKeyArn: args.kmsKeyArn } : {}) },
        deletionProtectionEnabled: args.deletionProtection ?? true,
        tags: args.tags,
      },
      { parent: this },
    );
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }

  /** This table as a reference for `SpekeKeyServer` / `KeyDeliveryApi`. */
  get ref(): ContentKeyRegistryRef {
    return { tableName: this.tableName, tableArn: this.tableArn };
  }
}
