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
  it("stays bounded: sweeps expired entries first, then drops the oldest", async () => {
    const clock = { t: 0 };
    const c = new MemoryUseCounter({ maxEntries: 3, now: () => clock.t });
    await c.increment("old", 1);
    await c.increment("b", 100);
    await c.increment("c", 100);
    clock.t = 2000;
    await c.increment("d", 100); // "old" expired and is swept
    assert.equal(c.size, 3);
    assert.equal(await c.increment("b", 100), 2, "live entries survive the sweep");
    await c.increment("e", 100); // full: drops the oldest live entry
    assert.equal(c.size, 3);
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
          res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "no table" }));
          return;
        }
        const id = body.Key.pk.S as string;
        const n = (counts.get(id) ?? 0) + 1;
        counts.set(id, n);
        res.end(JSON.stringify({ Attributes: { uses: { N: String(n) }, expiresAt: body.ExpressionAttributeValues[":exp"] } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  const client = () => new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" }, maxAttempts: 1 });

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
    await assert.rejects(c.increment("x", 10), (e: KeyplaneError) => e.code === "USE_COUNTER_UNAVAILABLE" && e.status === 503);
  });
});
