/**
 * The composed app as `npm start` runs it: every area mounted on one loopback server, keys consistent across SPEKE
 * and key delivery, the lab data directory, and the error contract shared by all routes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { startLab, type RunningLab } from "../../lab/server";
import { KeySeed } from "../../functions/keys/seed";
import { kidFromUuid, kidToBase64url } from "../../functions/keys/kid";
import { createLogger } from "../../functions/log";
import { SPEKE_REQUESTS_DIR, itShared } from "../support/shared";
import { MICROSOFT_TEST_SEED_B64 } from "../support/seed";

const CONFORMANCE = SPEKE_REQUESTS_DIR;
const CPIX = "urn:dashif:org:cpix";
const PSKC = "urn:ietf:params:xml:ns:keyprov:pskc";
// Microsoft's published PlayReady test key seed.
const SEED = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);

describe("local lab (lab/server.ts)", function () {
  this.timeout(30_000);
  let dir: string;
  let lab: RunningLab;
  const logs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "kp-lab-"));
    lab = await startLab({
      port: 0,
      seed: SEED,
      dataDir: join(dir, ".keyplane"),
      demoMedia: false,
      logger: createLogger({ sink: (l) => logs.push(l) }),
    });
  });
  after(async () => {
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mounts SPEKE, token service, key delivery and the demo page on one server", async () => {
    const health = (await (await fetch(`${lab.url}/healthz`)).json()) as { areas: string[] };
    assert.deepEqual(health.areas.sort(), ["delivery", "license", "speke"]);
    const hb = await fetch(`${lab.url}/speke/heartbeat`);
    assert.equal(hb.status, 200);
    assert.match(hb.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${lab.url}/healthz`, { headers: { "X-Request-Id": "client-abc.1" } });
    assert.equal(echoed.headers.get("x-request-id"), "client-abc.1");
    const page = await fetch(`${lab.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  });

  itShared(
    "delivers through /clearkey, under a token from /token, the same key SPEKE handed the packager",
    async () => {
      const body = readFileSync(
        join(CONFORMANCE, "v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml"),
      );
      const speke = await fetch(`${lab.url}/speke`, {
        method: "POST",
        body,
        headers: { "X-Speke-Version": "2.0", "Content-Type": "application/xml" },
      });
      assert.equal(speke.status, 200);
      const doc = new DOMParser().parseFromString(await speke.text(), "application/xml");
      const contentKeys = Array.from(doc.getElementsByTagNameNS(CPIX, "ContentKey"));
      assert.ok(contentKeys.length >= 1);
      const first = contentKeys[0]!;
      const kid = kidFromUuid(first.getAttribute("kid")!);
      const secret = first.getElementsByTagNameNS(PSKC, "PlainValue")[0]!.textContent!.trim();
      // SPEKE's key is the seed's key for that KID (the Microsoft key-seed derivation).
      assert.equal(Buffer.from(secret, "base64").toString("hex"), SEED.contentKey(kid).toString("hex"));

      const tok = await fetch(`${lab.url}/token`, {
        method: "POST",
        body: JSON.stringify({ subject: "viewer-1", kids: [first.getAttribute("kid")] }),
        headers: { "Content-Type": "application/json" },
      });
      assert.equal(tok.status, 200);
      const { token } = (await tok.json()) as { token: string };

      const denied = await fetch(`${lab.url}/clearkey`, {
        method: "POST",
        body: JSON.stringify({ kids: [kidToBase64url(kid)], type: "temporary" }),
      });
      assert.equal(denied.status, 401);

      // No Content-Type, as some CDMs send it.
      const lic = await fetch(`${lab.url}/clearkey`, {
        method: "POST",
        body: JSON.stringify({ kids: [kidToBase64url(kid)], type: "temporary" }),
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(lic.status, 200);
      const jwks = (await lic.json()) as { keys: { kty: string; kid: string; k: string }[] };
      assert.equal(jwks.keys.length, 1);
      assert.equal(jwks.keys[0]!.kid, kidToBase64url(kid));
      assert.equal(Buffer.from(jwks.keys[0]!.k, "base64url").toString("base64"), secret);
    },
  );

  it("answers every area's errors as JSON with a stable code, and 413 above 1 MiB", async () => {
    const nf = await fetch(`${lab.url}/nope`);
    assert.equal(nf.status, 404);
    assert.equal(((await nf.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
    const big = await fetch(`${lab.url}/token`, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    assert.equal(big.status, 413);
    const unknownVendor = await fetch(`${lab.url}/license/nobody`, { method: "POST", body: "x" });
    assert.ok(unknownVendor.status === 404 || unknownVendor.status === 401, `got ${unknownVendor.status}`);
  });

  it("logs one structured line per request with a request id, never a key", async () => {
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === "request");
    assert.ok(lines.length >= 5);
    for (const r of lines) assert.match(String(r.requestId), /^(?:[0-9a-f-]{36}|client-abc\.1)$/);
    assert.ok(
      lines.some((r) => r.requestId === "client-abc.1"),
      "a caller's X-Request-Id is carried into the log",
    );
    const all = logs.join("\n");
    const kid = kidFromUuid("00000000-0000-0000-0000-000000000000");
    assert.ok(!all.includes(SEED.contentKey(kid).toString("base64")));
    assert.ok(!all.includes("XVBovsmz"));
  });
});

describe("local lab seed on disk", function () {
  this.timeout(30_000);
  it("generates .keyplane/key-seed (0600) on first start and reuses it on the next", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kp-lab-seed-"));
    const prev = process.env.KEY_SEED;
    delete process.env.KEY_SEED;
    try {
      const dataDir = join(dir, ".keyplane");
      const a = await startLab({
        port: 0,
        dataDir,
        demoMedia: false,
        quiet: true,
        logger: createLogger({ sink: () => undefined }),
      });
      await a.close();
      assert.match(a.seedSource, /^generated /);
      assert.equal(statSync(join(dataDir, "key-seed")).mode & 0o777, 0o600);
      const b = await startLab({
        port: 0,
        dataDir,
        demoMedia: false,
        quiet: true,
        logger: createLogger({ sink: () => undefined }),
      });
      await b.close();
      assert.match(b.seedSource, /^file /);
    } finally {
      if (prev !== undefined) process.env.KEY_SEED = prev;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("local lab configuration (the one loader)", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kp-lab-config-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const quiet = () => ({
    port: 0,
    seed: SEED,
    dataDir: join(dir, ".keyplane"),
    demoMedia: false,
    logger: createLogger({ sink: () => undefined }),
  });

  it("reads KEYPLANE_CONFIG_FILE (with $schema), applies the environment overrides, and keeps its own defaults", async () => {
    const file = join(dir, "keyplane.config.json");
    writeFileSync(
      file,
      JSON.stringify({
        $schema: "./node_modules/keyplane/schema/keyplane.config.schema.json",
        delivery: { tokenLifetimeSeconds: 600 },
      }),
    );
    const lab = await startLab({
      ...quiet(),
      env: { KEYPLANE_CONFIG_FILE: file, KEYPLANE_DELIVERY_CLOCK_SKEW_SECONDS: "5" },
    });
    try {
      assert.equal(lab.config.delivery.tokenLifetimeSeconds, 600);
      assert.equal(lab.config.delivery.clockSkewSeconds, 5);
      assert.equal(lab.config.delivery.lab, true);
      assert.equal(lab.config.speke.publicBaseUrl, lab.url);
      assert.equal(lab.config.contentKeyRegistry.type, "file");
    } finally {
      await lab.close();
    }
  });

  it("refuses both sources, and old variable names, at start", async () => {
    await assert.rejects(
      startLab({ ...quiet(), env: { KEYPLANE_CONFIG_FILE: join(dir, "x.json"), KEYPLANE_CONFIG: "{}" } }),
      /not both/,
    );
    await assert.rejects(
      startLab({ ...quiet(), env: { KEYPLANE_TOKEN_ISSUER: "x" } }),
      /KEYPLANE_TOKEN_ISSUER is no longer read: use KEYPLANE_DELIVERY_TOKEN_ISSUER/,
    );
  });
});
