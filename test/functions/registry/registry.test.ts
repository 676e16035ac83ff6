/**
 * The content key registry on its three stores: memory, the lab's JSON Lines file, and DynamoDB through the real
 * AWS SDK v3 client against dynalite (a DynamoDB implementation from npm) on loopback. The same contract for each: a
 * KID belongs to the first content id it was served for; the same content id again is fine; another is a 409.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoContentKeyRegistry } from "../../../functions/registry/dynamodb";
import { FileContentKeyRegistry } from "../../../functions/registry/file";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "../../../functions/registry/registry";
import { KeyplaneError } from "../../../functions/errors";
import { startDynalite, type LocalDynamo } from "../../support/dynalite";

const kid = () => randomBytes(16);
const code = (e: unknown) => (e instanceof KeyplaneError ? `${e.status} ${e.code}` : String(e));

function contract(name: string, make: () => Promise<ContentKeyRegistry>) {
  describe(`${name}: the registry contract`, () => {
    let r: ContentKeyRegistry;
    beforeEach(async () => {
      r = await make();
    });

    it("answers undefined for a KID never served, then the content id once recorded", async () => {
      const k = kid();
      assert.equal(await r.contentIdOf(k), undefined);
      await r.record("movie-1", [k], Date.now());
      assert.equal(await r.contentIdOf(k), "movie-1");
      assert.equal(r.peek(k), "movie-1");
      assert.equal(await r.contentIdOf(Buffer.from(k)), "movie-1", "by value, not by object");
    });

    it("records every KID of a request, and a repeat with the same content id is not a conflict", async () => {
      const ks = [kid(), kid(), kid()];
      await r.record("movie-2", ks, Date.now());
      await r.record("movie-2", [ks[1]!, ks[1]!], Date.now());
      for (const k of ks) assert.equal(await r.contentIdOf(k), "movie-2");
    });

    it("refuses a KID already served for another content id with 409 KID_CONTENT_CONFLICT; the KID keeps its first content id", async () => {
      const a = kid();
      const fresh = kid();
      await r.record("trailer", [a], Date.now());
      await assert.rejects(r.record("premium", [fresh, a], Date.now()), (e) => code(e) === "409 KID_CONTENT_CONFLICT");
      assert.equal(await r.contentIdOf(a), "trailer");
    });

    it("refuses an empty or overlong content id and a KID that is not 16 bytes (400)", async () => {
      await assert.rejects(r.record("", [kid()], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
      await assert.rejects(r.record("x".repeat(257), [kid()], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
      await assert.rejects(r.record("c", [randomBytes(15)], 0), (e) => code(e) === "400 REGISTRY_RECORD_INVALID");
    });
  });
}

contract("memory", async () => new MemoryContentKeyRegistry());

describe("file registry (the lab's data directory)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "keyplane-reg-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  contract(
    "file",
    async () => new FileContentKeyRegistry(join(mkdtempSync(join(tmpdir(), "keyplane-reg-")), "content-keys.jsonl")),
  );

  it("writes one JSON line per KID, mode 0600, and a new instance reads them back", async () => {
    const path = join(dir, "sub", "content-keys.jsonl");
    const a = new FileContentKeyRegistry(path);
    const k1 = kid();
    const k2 = kid();
    await a.record("c1", [k1, k2], Date.UTC(2026, 0, 2, 3, 4, 5));
    await a.record("c1", [k1], Date.UTC(2027, 0, 1));
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { kid: k1.toString("hex"), contentId: "c1", at: "2026-01-02T03:04:05.000Z" },
      { kid: k2.toString("hex"), contentId: "c1", at: "2026-01-02T03:04:05.000Z" },
    ]);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const b = new FileContentKeyRegistry(path);
    assert.equal(await b.contentIdOf(k2), "c1");
    await assert.rejects(b.record("c2", [k1], 0), (e) => code(e) === "409 KID_CONTENT_CONFLICT");
  });

  it("skips a torn or foreign line and keeps the first content id of a KID", async () => {
    const path = join(dir, "content-keys.jsonl");
    const k = kid();
    const other = kid();
    writeFileSync(
      path,
      [
        JSON.stringify({ kid: k.toString("hex"), contentId: "first", at: "x" }),
        "not json",
        JSON.stringify({ kid: "zz", contentId: "bad-kid" }),
        JSON.stringify({ kid: k.toString("hex"), contentId: "second" }),
        `{"kid":"${other.toString("hex")}","conten`,
      ].join("\n"),
    );
    const r = new FileContentKeyRegistry(path);
    assert.equal(await r.contentIdOf(k), "first");
    assert.equal(await r.contentIdOf(other), undefined, "a torn last line is not a record");
  });

  it("sees what another process appended on the next lookup that misses", async () => {
    const path = join(dir, "content-keys.jsonl");
    const r = new FileContentKeyRegistry(path);
    const k = kid();
    assert.equal(await r.contentIdOf(k), undefined);
    appendFileSync(
      path,
      JSON.stringify({ kid: k.toString("hex"), contentId: "elsewhere", at: new Date().toISOString() }) + "\n",
    );
    assert.equal(await r.contentIdOf(k), "elsewhere");
    await assert.rejects(r.record("here", [k], 0), (e) => code(e) === "409 KID_CONTENT_CONFLICT");
  });
});

describe("DynamoDB registry against dynalite (real AWS SDK v3 client on loopback)", function () {
  this.timeout(20000);
  let db: LocalDynamo;
  let n = 0;
  const table = () => `registry-${++n}`;

  before(async () => {
    db = await startDynalite();
  });
  after(async () => {
    await db.close();
  });

  contract("dynamodb", async () => {
    const name = table();
    await db.createTable(name, "kid");
    return new DynamoContentKeyRegistry({ tableName: name, client: db.client });
  });

  it("stores kid (hex), contentId and servedAt as the table item the components declare", async () => {
    const name = table();
    await db.createTable(name, "kid");
    const r = new DynamoContentKeyRegistry({ tableName: name, client: db.client });
    const k = kid();
    await r.record("movie-9", [k], Date.UTC(2026, 11, 4));
    const item = (await db.client.send(new GetItemCommand({ TableName: name, Key: { kid: { S: k.toString("hex") } } })))
      .Item;
    assert.deepEqual(item, {
      kid: { S: k.toString("hex") },
      contentId: { S: "movie-9" },
      servedAt: { S: "2026-12-04T00:00:00.000Z" },
    });
  });

  it("sees a conflict written by another SPEKE instance (a second registry over the same table)", async () => {
    const name = table();
    await db.createTable(name, "kid");
    const a = new DynamoContentKeyRegistry({ tableName: name, client: db.client });
    const b = new DynamoContentKeyRegistry({ tableName: name, client: db.client });
    const k = kid();
    await a.record("one", [k], 0);
    await assert.rejects(b.record("two", [k], 0), (e) => code(e) === "409 KID_CONTENT_CONFLICT");
    assert.equal(await b.contentIdOf(k), "one");
  });

  it("remembers a miss for missTtlSeconds, then reads again (a KID recorded meanwhile by SPEKE is found)", async () => {
    const name = table();
    await db.createTable(name, "kid");
    let now = 1_000_000;
    const reader = new DynamoContentKeyRegistry({
      tableName: name,
      client: db.client,
      missTtlSeconds: 5,
      now: () => now,
    });
    const k = kid();
    assert.equal(await reader.contentIdOf(k), undefined);
    assert.equal(reader.peek(k), null, "a fresh miss is known");
    await db.client.send(
      new PutItemCommand({ TableName: name, Item: { kid: { S: k.toString("hex") }, contentId: { S: "late" } } }),
    );
    assert.equal(await reader.contentIdOf(k), undefined, "within the miss TTL");
    now += 5001;
    assert.equal(reader.peek(k), undefined);
    assert.equal(await reader.contentIdOf(k), "late");
  });

  it("answers 503 REGISTRY_UNAVAILABLE when the table cannot be reached or does not exist", async () => {
    const r = new DynamoContentKeyRegistry({ tableName: "no-such-table", client: db.client });
    await assert.rejects(r.contentIdOf(kid()), (e) => code(e) === "503 REGISTRY_UNAVAILABLE");
    await assert.rejects(r.record("c", [kid()], 0), (e) => code(e) === "503 REGISTRY_UNAVAILABLE");
  });

  it("asks for nothing but PutItem (SPEKE) and GetItem (delivery): the request shapes", () => {
    const r = new DynamoContentKeyRegistry({ tableName: "t", client: db.client });
    const k = Buffer.alloc(16, 0xab);
    assert.deepEqual(r.putInput("c", k, 0), {
      TableName: "t",
      Item: { kid: { S: "ab".repeat(16) }, contentId: { S: "c" }, servedAt: { S: "1970-01-01T00:00:00.000Z" } },
      ConditionExpression: "attribute_not_exists(kid) OR contentId = :contentId",
      ExpressionAttributeValues: { ":contentId": { S: "c" } },
    });
  });
});
