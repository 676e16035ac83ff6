/**
 * The `maxuses` replay counter on DynamoDB, through the real AWS SDK v3 client against dynalite (a DynamoDB
 * implementation from npm) on loopback: atomic totals across instances, the TTL attribute set once, 503 when the
 * table is unreachable. Atomicity is DynamoDB's `ADD` (UpdateItem documentation: "ADD ... atomically increments").
 */
import assert from "node:assert/strict";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoUseCounter } from "../../../functions/tokens/counter-dynamodb";
import { KeyplaneError } from "../../../functions/errors";
import { startDynalite, type LocalDynamo } from "../../support/dynalite";

describe("DynamoUseCounter against dynalite", function () {
  this.timeout(20000);
  let db: LocalDynamo;
  before(async () => {
    db = await startDynalite();
    await db.createTable("replay", "pk");
  });
  after(async () => {
    await db.close();
  });

  it("counts 1, 2, 3 for one id and keeps other ids apart", async () => {
    const c = new DynamoUseCounter({ tableName: "replay", client: db.client });
    assert.deepEqual([await c.increment("a", 60), await c.increment("a", 60), await c.increment("a", 60)], [1, 2, 3]);
    assert.equal(await c.increment("b", 60), 1);
  });

  it("gives distinct totals to concurrent uses from two instances (no lost update)", async () => {
    const a = new DynamoUseCounter({ tableName: "replay", client: db.client });
    const b = new DynamoUseCounter({ tableName: "replay", client: db.client });
    const totals = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment("shared", 60)));
    assert.deepEqual(
      [...totals].sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it("sets expiresAt once, from the first use (the table's TTL attribute)", async () => {
    let now = 1_700_000_000_000;
    const c = new DynamoUseCounter({ tableName: "replay", client: db.client, now: () => now });
    await c.increment("ttl", 600);
    now += 120_000;
    await c.increment("ttl", 600);
    const item = (await db.client.send(new GetItemCommand({ TableName: "replay", Key: { pk: { S: "ttl" } } }))).Item!;
    assert.equal(item.expiresAt?.N, String(1_700_000_000 + 600));
    assert.equal(item.uses?.N, "2");
  });

  it("answers 503 USE_COUNTER_UNAVAILABLE when the table does not exist", async () => {
    const c = new DynamoUseCounter({ tableName: "missing", client: db.client });
    await assert.rejects(
      c.increment("x", 60),
      (e) => e instanceof KeyplaneError && e.status === 503 && e.code === "USE_COUNTER_UNAVAILABLE",
    );
  });
});
