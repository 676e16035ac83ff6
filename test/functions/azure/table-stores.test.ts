/**
 * The Azure Table Storage stores against Azurite (Microsoft's storage emulator, npm `azurite`) started in this process
 * on loopback, in memory, spoken to with the real `@azure/data-tables` client (the emulator's development key stands in
 * for the managed identity, which production code uses). Expected behaviour comes from the contracts the other stores
 * meet (test/functions/registry/registry.test.ts, test/functions/tokens/counter-dynamodb.test.ts) and from the Table
 * service's documented conditional semantics: Insert Entity answers 409 EntityAlreadyExists, Update Entity with a stale
 * If-Match answers 412 (Table service REST API reference).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { AzureTableContentKeyRegistry, REGISTRY_ROW_KEY } from "../../../functions/registry/azure-table";
import {
  AzureTableUseCounter,
  USE_COUNTER_ROW_KEY,
  counterPartitionKey,
} from "../../../functions/tokens/counter-azure-table";
import { KeyplaneError } from "../../../functions/errors";
import { startAzurite, type LocalTables } from "../../support/azurite";

const kid = () => randomBytes(16);
const code = (e: unknown) => (e instanceof KeyplaneError ? `${e.status} ${e.code}` : String(e));

describe("Azure Table Storage stores against Azurite", function () {
  this.timeout(30_000);
  let az: LocalTables;
  let n = 0;
  const fresh = async () => az.table(`t${Date.now().toString(36)}${++n}`);

  before(async () => {
    az = await startAzurite();
  });
  after(async () => {
    await az?.close();
  });

  describe("AzureTableContentKeyRegistry: the registry contract", () => {
    let client: TableClient;
    let r: AzureTableContentKeyRegistry;
    beforeEach(async () => {
      client = await fresh();
      r = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
    });

    it("answers undefined for a KID never served, then the content id once recorded", async () => {
      const k = kid();
      assert.equal(await r.contentIdOf(k), undefined);
      await r.record("movie-1", [k], Date.now());
      // A second instance (another Functions worker) reads it from the table, not from the first one's cache.
      const other = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
      assert.equal(await other.contentIdOf(k), "movie-1");
      assert.equal(other.peek(k), "movie-1");
      assert.equal(await r.contentIdOf(Buffer.from(k)), "movie-1");
    });

    it("records every KID of a request, and a repeat with the same content id is not a conflict (servedAt refreshed)", async () => {
      const ks = [kid(), kid(), kid()];
      await r.record("movie-2", ks, Date.UTC(2026, 0, 1));
      const again = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
      await again.record("movie-2", [ks[1]!, ks[1]!], Date.UTC(2026, 5, 1));
      for (const k of ks) assert.equal(await again.contentIdOf(k), "movie-2");
      const e = await client.getEntity<{ contentId: string; servedAt: string }>(
        ks[1]!.toString("hex"),
        REGISTRY_ROW_KEY,
      );
      assert.equal(e.servedAt, "2026-06-01T00:00:00.000Z");
    });

    it("refuses a KID already served for another content id with 409 KID_CONTENT_CONFLICT, from any instance; the first content id stays", async () => {
      const a = kid();
      await r.record("trailer", [a], Date.now());
      const other = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
      await assert.rejects(
        other.record("premium", [kid(), a], Date.now()),
        (e) => code(e) === "409 KID_CONTENT_CONFLICT",
      );
      await assert.rejects(r.record("premium", [a], Date.now()), (e) => code(e) === "409 KID_CONTENT_CONFLICT");
      assert.equal(await other.contentIdOf(a), "trailer");
    });

    it("lets exactly one of two racing content ids win a new KID", async () => {
      const k = kid();
      const a = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
      const b = new AzureTableContentKeyRegistry({ client, tableName: "registry" });
      const results = await Promise.allSettled([a.record("one", [k], 1), b.record("two", [k], 2)]);
      assert.equal(results.filter((x) => x.status === "fulfilled").length, 1);
      const loser = results.find((x) => x.status === "rejected") as PromiseRejectedResult;
      assert.equal(code(loser.reason), "409 KID_CONTENT_CONFLICT");
      const stored = (await client.getEntity<{ contentId: string }>(k.toString("hex"), REGISTRY_ROW_KEY)).contentId;
      assert.equal(stored, results[0]!.status === "fulfilled" ? "one" : "two");
    });

    it("refuses an empty or overlong content id and a KID that is not 16 bytes (400)", async () => {
      await assert.rejects(r.record("", [kid()], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
      await assert.rejects(r.record("x".repeat(257), [kid()], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
      await assert.rejects(r.record("c", [randomBytes(15)], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
    });

    it("answers 503 REGISTRY_UNAVAILABLE when the table does not exist", async () => {
      const c = az.client("nosuchtable");
      const broken = new AzureTableContentKeyRegistry({ client: c });
      await assert.rejects(broken.record("c", [kid()], 0), (e) => code(e) === "503 REGISTRY_UNAVAILABLE");
      await assert.rejects(broken.contentIdOf(kid()), (e) => code(e) === "503 REGISTRY_UNAVAILABLE");
    });
  });

  describe("AzureTableUseCounter", () => {
    let client: TableClient;
    beforeEach(async () => {
      client = await fresh();
    });
    const noPause = async () => undefined;

    it("counts 1, 2, 3 for one id and keeps other ids apart", async () => {
      const c = new AzureTableUseCounter({ client, pause: noPause });
      assert.deepEqual(
        [await c.increment("jwt:a", 60), await c.increment("jwt:a", 60), await c.increment("jwt:a", 60)],
        [1, 2, 3],
      );
      assert.equal(await c.increment("jwt:b", 60), 1);
    });

    it("gives distinct totals to concurrent uses from two instances (no lost update: ETag retry)", async () => {
      const a = new AzureTableUseCounter({ client });
      const b = new AzureTableUseCounter({ client });
      const totals = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).increment("jwt:shared", 60)),
      );
      assert.deepEqual(
        [...totals].sort((x, y) => x - y),
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      const e = await client.getEntity<{ uses: number }>("jwt:shared", USE_COUNTER_ROW_KEY);
      assert.equal(e.uses, 12);
    });

    it("sets expiresAt once, from the first use, and never resets a live entry", async () => {
      let now = 1_700_000_000_000;
      const c = new AzureTableUseCounter({ client, now: () => now, pause: noPause });
      await c.increment("jwt:ttl", 600);
      now += 599_000;
      assert.equal(await c.increment("jwt:ttl", 600), 2, "still live one second before expiry");
      const e = await client.getEntity<{ uses: number; expiresAt: number }>("jwt:ttl", USE_COUNTER_ROW_KEY);
      assert.equal(e.expiresAt, 1_700_000_000_000 + 600_000);
      now += 1_000;
      assert.equal(await c.increment("jwt:ttl", 600), 1, "restarted once expired");
    });

    it("hashes ids holding characters Table Storage refuses in keys", async () => {
      assert.equal(counterPartitionKey("jwt:abc-_"), "jwt:abc-_");
      assert.match(counterPartitionKey("a/b#c"), /^h:[A-Za-z0-9_-]{43}$/);
      const c = new AzureTableUseCounter({ client, pause: noPause });
      assert.deepEqual([await c.increment("a/b#c?", 60), await c.increment("a/b#c?", 60)], [1, 2]);
    });

    it("answers 503 USE_COUNTER_CONTENDED after its attempts, and 503 USE_COUNTER_UNAVAILABLE when the table is missing", async () => {
      // A client whose every conditional write loses the race (412), as under extreme contention.
      const losing = {
        getEntity: client.getEntity.bind(client),
        createEntity: client.createEntity.bind(client),
        updateEntity: async () => {
          throw Object.assign(new Error("Precondition Failed"), { statusCode: 412 });
        },
      };
      const c1 = new AzureTableUseCounter({ client, pause: noPause });
      await c1.increment("jwt:busy", 60);
      const c2 = new AzureTableUseCounter({ client: losing as never, maxAttempts: 3, pause: noPause });
      await assert.rejects(c2.increment("jwt:busy", 60), (e) => code(e) === "503 USE_COUNTER_CONTENDED");
      const missing = az.client("nosuchtable2");
      await assert.rejects(
        new AzureTableUseCounter({ client: missing, pause: noPause }).increment("x", 60),
        (e) => code(e) === "503 USE_COUNTER_UNAVAILABLE",
      );
    });
  });
});
