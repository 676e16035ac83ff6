/** Replay counters: the bounded in-memory counter and the DynamoDB counter against a loopback DynamoDB stand-in. */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { MemoryUseCounter } from "../../../functions/tokens/counter";
import { DynamoUseCounter } from "../../../functions/tokens/counter-dynamodb";
import { KeyplaneError } from "../../../functions/errors";

describe("MemoryUseCounter", () => {
  it("counts per id", async () => {
    const c = new MemoryUseCounter();
    assert.equal(await c.increment("a", 60), 1);
    assert.equal(await c.increment("a", 60), 2);
    assert.equal(await c.increment("b", 60), 1);
  });
  it("forgets an id after its TTL", async () => {
    const clock = { t: 0 };
    const c = new MemoryUseCounter({ now: () => clock.t });
    await c.increment("a", 10);
    assert.equal(await c.increment("a", 10), 2);
    clock.t = 10_001;
    assert.equal(await c.increment("a", 10), 1);
  });
  describe("full of live entries (issue 14 item 4: maxuses forgotten under load)", () => {
    const full = (e: unknown) =>
      e instanceof KeyplaneError && e.code === "USE_COUNTER_FULL" && e.status === 503 && !e.message.includes("jwt:");

    it("never forgets a live entry: an exhausted id stays exhausted after a flood of new ids, which are refused with 503", async () => {
      const clock = { t: 0 };
      const c = new MemoryUseCounter({ maxEntries: 1000, now: () => clock.t });
      assert.equal(await c.increment("jwt:exhausted", 600), 1); // a maxuses 1 token, used once
      for (let i = 0; i < 999; i++) assert.equal(await c.increment(`jwt:fresh-${i}`, 600), 1);
      assert.equal(c.size, 1000);
      // The flood goes on: every further new id is refused, none replaces a live entry.
      for (let i = 0; i < 500; i++) await assert.rejects(c.increment(`jwt:flood-${i}`, 600), full);
      assert.equal(c.size, 1000);
      assert.equal(await c.increment("jwt:exhausted", 600), 2, "still counted: a maxuses 1 token stays exhausted");
      assert.equal(await c.increment("jwt:fresh-0", 600), 2, "ids already counted keep counting when full");
    });

    it("reclaims expired entries, then accepts new ids again", async () => {
      const clock = { t: 0 };
      const c = new MemoryUseCounter({ maxEntries: 3, now: () => clock.t });
      await c.increment("short", 1);
      await c.increment("long-a", 100);
      await c.increment("long-b", 100);
      await assert.rejects(c.increment("new-1", 100), full);
      clock.t = 1000; // "short" expires at exactly 1000 ms (live while expiresAt > now)
      assert.equal(await c.increment("new-1", 100), 1, "the expired entry's slot is reused");
      assert.equal(c.size, 3);
      await assert.rejects(c.increment("new-2", 100), full);
      assert.equal(await c.increment("long-a", 100), 2, "live entries survive the sweep");
      clock.t = 100_000; // long-a and long-b expire; new-1 (until 101,000) does not
      assert.equal(await c.increment("new-2", 100), 1);
      assert.equal(await c.increment("long-a", 100), 1, "an expired id starts afresh (its token has expired)");
      assert.equal(c.size, 3);
      await assert.rejects(c.increment("new-3", 100), full);
      assert.equal(await c.increment("new-1", 100), 2);
    });

    it("reclaims in expiry order whatever the insertion order (mixed TTLs)", async () => {
      const clock = { t: 0 };
      const c = new MemoryUseCounter({ maxEntries: 50, now: () => clock.t });
      // TTLs 1..50 s in a scrambled order (37 is coprime with 50, so this is a permutation).
      const ttls = Array.from({ length: 50 }, (_, i) => ((i * 37) % 50) + 1);
      for (const [i, ttl] of ttls.entries()) await c.increment(`id-${i}`, ttl);
      for (let s = 1; s <= 50; s++) {
        clock.t = s * 1000;
        // Exactly one id (ttl = s) has just expired: one new id takes its slot, the next is refused.
        assert.equal(await c.increment(`new-${s}`, 1000), 1, `second ${s}`);
        await assert.rejects(c.increment(`over-${s}`, 1000), full);
        // Every id with ttl > s is still there, counted once at insertion and once per second so far.
        for (const [i, ttl] of ttls.entries())
          if (ttl > s) assert.equal(await c.increment(`id-${i}`, ttl), 1 + s, `id-${i} at ${s} s`);
      }
      assert.equal(c.size, 50);
    });
  });
});

describe("DynamoUseCounter (loopback DynamoDB stand-in)", () => {
  let server: Server;
  let endpoint: string;
  const requests: Array<{ target: string; body: any }> = [];
  const counts = new Map<string, number>();
  let failNext = false;

  before(async () => {
    server = createServer((req, res) => {
      let data = "";
      req.on("data", (d) => (data += d));
      req.on("end", () => {
        const body = JSON.parse(data);
        requests.push({ target: String(req.headers["x-amz-target"]), body });
        res.setHeader("content-type", "application/x-amz-json-1.0");
        if (failNext) {
          failNext = false;
          res.statusCode = 400;
          res.end(
            JSON.stringify({
              __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
              message: "no table",
            }),
          );
          return;
        }
        const id = body.Key.pk.S as string;
        const n = (counts.get(id) ?? 0) + 1;
        counts.set(id, n);
        res.end(
          JSON.stringify({ Attributes: { uses: { N: String(n) }, expiresAt: body.ExpressionAttributeValues[":exp"] } }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  const client = () =>
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" },
      maxAttempts: 1,
    });

  it("sends UpdateItem ADD with a TTL attribute and returns the new total", async () => {
    const c = new DynamoUseCounter({ tableName: "uses", client: client(), now: () => 1_700_000_000_000 });
    assert.equal(await c.increment("jwt:abc", 300), 1);
    assert.equal(await c.increment("jwt:abc", 300), 2);
    const last = requests.at(-1)!;
    assert.equal(last.target, "DynamoDB_20120810.UpdateItem");
    assert.equal(last.body.TableName, "uses");
    assert.deepEqual(last.body.Key, { pk: { S: "jwt:abc" } });
    assert.match(last.body.UpdateExpression, /^ADD #uses :one SET #ttl = if_not_exists\(#ttl, :exp\)$/);
    assert.deepEqual(last.body.ExpressionAttributeValues[":exp"], { N: String(1_700_000_000 + 300) });
    assert.equal(last.body.ExpressionAttributeNames["#ttl"], "expiresAt");
    assert.equal(last.body.ReturnValues, "UPDATED_NEW");
  });

  it("maps DynamoDB failures to 503 USE_COUNTER_UNAVAILABLE (fail closed)", async () => {
    const c = new DynamoUseCounter({ tableName: "uses", client: client() });
    failNext = true;
    await assert.rejects(
      c.increment("x", 10),
      (e: KeyplaneError) => e.code === "USE_COUNTER_UNAVAILABLE" && e.status === 503,
    );
  });
});
