/**
 * The in-memory maxuses counter at capacity, through the delivery app over loopback (issue 14 item 4: an exhausted
 * token worked again after a flood of fresh tokens evicted its entry). With `useCounter.maxEntries` = 2: a full
 * counter refuses new maxuses tokens with 503 USE_COUNTER_FULL and keeps refusing the exhausted one; tokens without
 * maxuses are unaffected; once entries expire their room is reused. Tokens are HS256 JWTs built by hand with
 * node:crypto (RFC 7515 §3.1 compact serialization), never with Keyplane's issuer.
 */
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDelivery, b64url, json, type Server } from "../../support/delivery";

const ISS = "https://sts.example";
const AUD = "urn:keyplane-test";
const MAXUSES = "urn:microsoft:azure:mediaservices:maxuses";
const KID = "12121212-1212-4121-8121-121212121212";
const K = randomBytes(32);

function hs256(payload: object): string {
  const input = `${json({ alg: "HS256", typ: "JWT" })}.${json(payload)}`;
  return `${input}.${b64url(createHmac("sha256", K).update(input).digest())}`;
}

describe("delivery with a full in-memory use counter (maxEntries 2)", function () {
  this.timeout(30000);
  let srv: Server;
  const now = () => Math.floor(srv.clock.now / 1000);
  const token = (extra: object, lifetime = 600) =>
    hs256({ iss: ISS, aud: AUD, iat: now(), exp: now() + lifetime, jti: randomBytes(8).toString("hex"), ...extra });
  async function hlsKey(t: string) {
    const res = await fetch(`${srv.url}/hls/key/${KID}`, { headers: { authorization: `Bearer ${t}` } });
    const body = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      code: res.status === 200 ? undefined : (JSON.parse(body.toString()) as { error: { code: string } }).error.code,
      body: body.toString(),
    };
  }

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyplane-counter-"));
    const restriction = {
      type: "Token",
      issuer: ISS,
      audience: AUD,
      tokenType: "Jwt",
      primaryVerificationKey: { type: "Symmetric", keyValue: K.toString("base64") },
    };
    writeFileSync(
      join(dir, "policies.json"),
      JSON.stringify({
        policies: [{ name: "p", options: [{ name: "ck", configuration: { type: "ClearKey" }, restriction }] }],
        bindings: [{ policy: "p", kids: [KID] }],
      }),
    );
    srv = await startDelivery({
      policyFile: join(dir, "policies.json"),
      clockSkewSeconds: 60,
      useCounter: { type: "memory", maxEntries: 2 },
    });
  });
  after(() => srv?.close());

  it("503 for a new maxuses token when full; the exhausted token stays refused; reclaimed once entries expire", async () => {
    const exhausted = token({ [MAXUSES]: 1 });
    assert.equal((await hlsKey(exhausted)).status, 200);
    assert.deepEqual([(await hlsKey(exhausted)).status, (await hlsKey(exhausted)).code], [403, "TOKEN_USES_EXHAUSTED"]);
    const other = token({ [MAXUSES]: 5 });
    assert.equal((await hlsKey(other)).status, 200); // the counter now holds 2 live entries

    // The flood: every fresh maxuses token is refused, and none pushes the exhausted one out.
    srv.logs.length = 0;
    const flood = Array.from({ length: 20 }, () => token({ [MAXUSES]: 1 }));
    for (const t of flood) {
      const r = await hlsKey(t);
      assert.deepEqual([r.status, r.code], [503, "USE_COUNTER_FULL"]);
      assert.ok(!r.body.includes(t) && !r.body.includes(t.split(".")[2]!), "no token material in the error body");
    }
    const warned = srv.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.event === "request_failed" && l.code === "USE_COUNTER_FULL");
    assert.equal(warned.length, flood.length, "each refusal is logged");
    assert.ok(warned.every((l) => l.level === "warn" && l.status === 503));
    for (const t of flood) assert.ok(!srv.logs.join("\n").includes(t.split(".")[2]!), "no token material in the logs");

    const again = await hlsKey(exhausted);
    assert.deepEqual([again.status, again.code], [403, "TOKEN_USES_EXHAUSTED"], "still exhausted after the flood");
    assert.equal((await hlsKey(other)).status, 200, "a counted token keeps counting when full");
    assert.equal((await hlsKey(token({}))).status, 200, "tokens without maxuses are not counted, so not refused");

    // Both entries expire at exp (600 s) + skew (60 s); a later token then finds room.
    const later = token({ [MAXUSES]: 1 }, 1300);
    assert.equal((await hlsKey(later)).status, 503);
    const saved = srv.clock.now;
    try {
      srv.clock.now += 661_000;
      assert.equal((await hlsKey(later)).status, 200, "room reclaimed from expired entries");
      assert.deepEqual([(await hlsKey(later)).status, (await hlsKey(later)).code], [403, "TOKEN_USES_EXHAUSTED"]);
      assert.deepEqual(
        [(await hlsKey(exhausted)).status, (await hlsKey(exhausted)).code],
        [401, "TOKEN_EXPIRED"],
        "the old token expired with its entry",
      );
    } finally {
      srv.clock.now = saved;
    }
  });
});
