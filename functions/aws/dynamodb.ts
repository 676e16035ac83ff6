/**
 * The DynamoDB SDK, loaded on first use: bundled into the Lambda functions that need it, but not evaluated at cold
 * start (the content key registry and the replay counter call it only when a request needs the table).
 */
import type * as DynamoDb from "@aws-sdk/client-dynamodb";

let sdk: Promise<typeof DynamoDb> | undefined;

export function loadDynamoDb(): Promise<typeof DynamoDb> {
  sdk ??= import("@aws-sdk/client-dynamodb");
  return sdk;
}
