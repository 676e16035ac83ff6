/** The replay (maxuses) counter a deployment uses, chosen by configuration: in memory locally, DynamoDB on AWS. */
import type { KeyplaneContext } from "../context";
import { MemoryUseCounter, type UseCounter } from "../tokens/counter";
import { DynamoUseCounter } from "../tokens/counter-dynamodb";
import type { DeliveryConfig } from "./config";

export function createUseCounter(ctx: KeyplaneContext, config: DeliveryConfig): UseCounter {
  const c = config.useCounter;
  return c.type === "dynamodb"
    ? new DynamoUseCounter({ tableName: c.tableName })
    : new MemoryUseCounter({ maxEntries: c.maxEntries, now: () => ctx.now() });
}
