import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { createSpekeProxyApp } from "../../../functions/speke-proxy/app";
import { parseSpekeProxyConfig } from "../../../functions/speke-proxy/config";
import { vendorCredentialLoader } from "../../../functions/speke-proxy/credential";
import { parseVendorCredential, vendorHeaders } from "../../../functions/speke-proxy/presets";
import { assertVendorUrl } from "../../../functions/speke-proxy/proxy";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";

const CONFORMANCE = "/work/shared/conformance/speke-requests";
const V2_REQUEST = readFileSync(`${CONFORMANCE}/v2-general_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml`, "utf8");

interface Seen { method: string; path: string; headers: Record<string, string>; body: string }

/** A stand-in vendor on loopback: records what arrives and answers like a SPEKE v2 server would. */
async function fakeVendor(answer: (seen: Seen) => Response | Promise<Response>): Promise<{ server: Listening; seen: Seen[] }> {
  const seen: Seen[] = [];
  const app = new Hono();
  app.all("*", async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => { headers[k] = v; });
    const s: Seen = { method: c.req.method, path: c.req.path, headers, body: await c.req.text() };
    seen.push(s);
    return answer(s);
  });
  return { server: await listen(app), seen };
}

describe("speke-proxy", () => {
  const servers: Listening[] = [];
  afterEach(async () => { while (servers.length) await servers.pop()!.close(); });

  async function setup(preset: "ezdrm" | "keyos" | "axinom" | "generic", credential: string, extra: Record<string, unknown> = {}, answer?: (s: Seen) => Response | Promise<Response>) {
    const vendor = await fakeVendor(answer ?? ((s) => new Response(s.body.replace("<cpix:ContentKeyList>", "<cpix:ContentKeyList><!-- filled -->"), {
      status: 200,
      headers: { "content-type": "application/xml", "x-speke-version": "2.0", "x-speke-user-agent": "FakeVendor", "set-cookie": "sid=1" },
    })));
    servers.push(vendor.server);
    const lines: string[] = [];
    const config = parseSpekeProxyConfig(JSON.stringify({ vendorUrl: `${vendor.server.url}/api/SpekeV2`, preset, ...extra }));
    config.allowInsecureLoopback = true;
    const app = createSpekeProxyApp({ credential: vendorCredentialLoader({ env: { VENDOR_CREDENTIAL: credential } }) }, config, createLogger({ sink: (l) => lines.push(l), level: "debug" }));
    const proxy = await listen(app);
    servers.push(proxy);
    return { vendor, proxy, lines };
  }

  it("forwards the CPIX body and SPEKE headers, adds the EZDRM credential header, and never logs it", async () => {
    const { vendor, proxy, lines } = await setup("ezdrm", "ez-secret-123");
    const res = await fetch(`${proxy.url}/speke`, {
      method: "POST",
      headers: { "Content-Type": "application/xml", "X-Speke-Version": "2.0", Authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x", "X-Amz-Security-Token": "tok" },
      body: V2_REQUEST,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-speke-version"), "2.0");
    assert.equal(res.headers.get("x-speke-user-agent"), "FakeVendor");
    assert.equal(res.headers.get("set-cookie"), null, "vendor cookies are not passed back");
    assert.match(await res.text(), /<!-- filled -->/);
    assert.equal(vendor.seen.length, 1);
    const s = vendor.seen[0]!;
    assert.equal(s.path, "/api/SpekeV2");
    assert.equal(s.body, V2_REQUEST);
    assert.equal(s.headers["x-ezdrm-key"], "ez-secret-123");
    assert.equal(s.headers["x-speke-version"], "2.0");
    assert.equal(s.headers["authorization"], undefined, "the packager's SigV4 signature is not forwarded");
    assert.equal(s.headers["x-amz-security-token"], undefined);
    assert.ok(lines.length > 0);
    assert.ok(!lines.join("\n").includes("ez-secret-123"), "credential must not appear in logs");
  });

  it("Axinom: Authorization Basic base64(tenantId:managementKey) as Axinom documents", async () => {
    const { vendor, proxy } = await setup("axinom", JSON.stringify({ tenantId: "6f2a0c55-tenant", managementKey: "mgmt-key" }));
    const res = await fetch(`${proxy.url}/copyProtection`, { method: "POST", headers: { "content-type": "application/xml" }, body: V2_REQUEST });
    assert.equal(res.status, 200);
    const auth = vendor.seen[0]!.headers["authorization"]!;
    assert.match(auth, /^Basic /);
    assert.equal(Buffer.from(auth.slice(6), "base64").toString("utf8"), "6f2a0c55-tenant:mgmt-key");
  });

  it("KeyOS: user key header plus the optional KID override header", async () => {
    const { vendor, proxy } = await setup("keyos", JSON.stringify({ key: "user-key-1" }), { kidOverrideValue: "true" });
    // A byte body makes fetch send no Content-Type at all.
    await (await fetch(`${proxy.url}/speke`, { method: "POST", body: new TextEncoder().encode(V2_REQUEST) })).text();
    const h = vendor.seen[0]!.headers;
    assert.equal(h["x-keyos-userkey"], "user-key-1");
    assert.equal(h["x-keyos-kid-override"], "true");
    assert.equal(h["content-type"], "application/xml", "a missing content type defaults to application/xml");
  });

  it("passes the vendor's 422 SPEKE error through unchanged", async () => {
    const { proxy } = await setup("generic", "k", { headerName: "X-Api-Key" }, () => new Response("Unsupported CPIX@version", { status: 422, headers: { "content-type": "text/plain" } }));
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", headers: { "X-Speke-Version": "2.0" }, body: V2_REQUEST });
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "Unsupported CPIX@version");
  });

  it("answers 504 UPSTREAM_TIMEOUT when the vendor is too slow", async () => {
    const { proxy } = await setup("generic", "k", { headerName: "X-Api-Key", timeoutMs: 200 }, () => new Promise<Response>((r) => setTimeout(() => r(new Response("late")), 1500)));
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "UPSTREAM_TIMEOUT");
  });

  it("answers 502 when the vendor response exceeds the cap", async () => {
    const { proxy } = await setup("generic", "k", { headerName: "X-Api-Key", maxResponseBytes: 2048 }, () => new Response("x".repeat(10_000)));
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "UPSTREAM_RESPONSE_TOO_LARGE");
  });

  it("answers 502 UPSTREAM_UNAVAILABLE when the vendor is unreachable", async () => {
    const dead = await listen(new Hono());
    const url = dead.url;
    await dead.close();
    const config = parseSpekeProxyConfig(JSON.stringify({ vendorUrl: `${url}/speke`, preset: "ezdrm" }));
    config.allowInsecureLoopback = true;
    const proxy = await listen(createSpekeProxyApp({ credential: async () => ({ key: "k" }) }, config, createLogger({ sink: () => undefined })));
    servers.push(proxy);
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "UPSTREAM_UNAVAILABLE");
  });

  it("refuses an empty body and unknown routes without calling the vendor", async () => {
    const { vendor, proxy } = await setup("ezdrm", "k");
    assert.equal((await fetch(`${proxy.url}/speke`, { method: "POST" })).status, 400);
    assert.equal((await fetch(`${proxy.url}/other`, { method: "POST", body: "x" })).status, 404);
    assert.equal(vendor.seen.length, 0);
  });

  it("configuration: refuses http vendor URLs, embedded credentials, unknown presets and reserved header names", () => {
    assert.throws(() => assertVendorUrl("http://vendor.example/speke"), /https/);
    assert.throws(() => assertVendorUrl("https://u:p@vendor.example/speke"), /credentials/);
    assert.doesNotThrow(() => assertVendorUrl("https://vendor.example/speke"));
    assert.throws(() => parseSpekeProxyConfig(JSON.stringify({ vendorUrl: "https://v.example", preset: "acme" })), /preset/);
    assert.throws(() => parseSpekeProxyConfig(undefined), /KEYPLANE_CONFIG/);
    assert.throws(() => parseSpekeProxyConfig(JSON.stringify({ vendorUrl: "https://v.example", preset: "ezdrm", timeoutMs: 60_000 })), /timeoutMs: must be an integer from 100 to 29000/);
    assert.throws(() => parseSpekeProxyConfig(JSON.stringify({ vendorUrl: "https://v.example", preset: "ezdrm", credential: "k" })), /credential: unknown field/);
    assert.throws(() => parseSpekeProxyConfig(JSON.stringify({ vendorUrl: "not a url", preset: "ezdrm" })), /vendorUrl: must be a URL/);
    assert.deepEqual(parseSpekeProxyConfig(JSON.stringify({ vendorUrl: "https://v.example/s", preset: "keyos", kidOverrideValue: "1", timeoutMs: 5000 })), { vendorUrl: "https://v.example/s", preset: "keyos", kidOverrideValue: "1", timeoutMs: 5000 });
    assert.throws(() => vendorHeaders({ preset: "generic" }, { key: "k" }), /headerName/);
    assert.throws(() => vendorHeaders({ preset: "generic", headerName: "Host" }, { key: "k" }), /reserved/);
    assert.throws(() => vendorHeaders({ preset: "generic", headerName: "X-Key" }, { key: "a\r\nInjected: 1" }), /control characters/);
    assert.throws(() => vendorHeaders({ preset: "axinom" }, { key: "k" }), /tenantId/);
  });

  it("credential parsing: JSON object or a bare string, with the env fallback winning over Secrets Manager", async () => {
    assert.deepEqual(parseVendorCredential(" abc "), { key: "abc" });
    assert.deepEqual(parseVendorCredential('{"tenantId":"t","managementKey":"m"}'), { tenantId: "t", managementKey: "m" });
    assert.throws(() => parseVendorCredential('{"key":1}'), /must be a string/);
    let calls = 0;
    const load = vendorCredentialLoader({ env: { VENDOR_CREDENTIAL: "from-env", VENDOR_CREDENTIAL_SECRET_ARN: "arn:x" }, client: { send: async () => { calls++; return {}; } } as never });
    assert.deepEqual(await load(), { key: "from-env" });
    assert.equal(calls, 0);
  });

  it("credential loader reads Secrets Manager once per TTL and retries after a failure", async () => {
    let calls = 0;
    let t = 0;
    let fail = true;
    const client = {
      send: async () => {
        calls++;
        if (fail) { fail = false; throw new Error("throttled"); }
        return { SecretString: '{"key":"sm-key"}' };
      },
    };
    const load = vendorCredentialLoader({ env: { VENDOR_CREDENTIAL_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" }, client: client as never, ttlMs: 1000, now: () => t });
    await assert.rejects(load(), /throttled/);
    assert.deepEqual(await load(), { key: "sm-key" });
    assert.deepEqual(await load(), { key: "sm-key" });
    assert.equal(calls, 2);
    t = 5000;
    await load();
    assert.equal(calls, 3);
  });
});
