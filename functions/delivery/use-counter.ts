/**
 * The replay (maxuses) counter a deployment uses, chosen by configuration: in memory locally, DynamoDB on AWS. The Azure
 * Table counter is built by the Azure apps and createApp (functions/app.ts), so this module (in the Lambda bundle)
 * carries no Azure code.
 */
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { MemoryUseCounter, type UseCounter } from "../tokens/counter";
import { DynamoUseCounter } from "../tokens/counter-dynamodb";
import type { DeliveryConfig } from "./config";

export function createUseCounter(ctx: KeyplaneContext, config: DeliveryConfig): UseCounter {
  const c = config.useCounter;
  if (c.type === "azureTable")
    throw new KeyplaneError(
      "CONFIG_INVALID",
      "delivery.useCounter: azureTable is served by the Azure Functions apps and createApp (keyplane/core), not by this function",
      { status: 500 },
    );
  return c.type === "dynamodb"
    ? new DynamoUseCounter({ tableName: c.tableName })
    : new MemoryUseCounter({ maxEntries: c.maxEntries, now: () => ctx.now() });
}
