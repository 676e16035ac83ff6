import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App } from "../../../functions/http/router";
import { createSpekeProxyApp } from "../../../functions/speke-proxy/app";
import { spekeProxyConfigSchema, spekeProxySettings } from "../../../functions/speke-proxy/config";
import { loadConfigSections } from "../../../functions/config-source";
import { vendorCredentialLoader } from "../../../functions/speke-proxy/credential";
import {
  credentialTransport,
  parseVendorCredential,
  vendorHeaders,
  vendorRequestParams,
} from "../../../functions/speke-proxy/presets";
import { assertVendorUrl } from "../../../functions/speke-proxy/proxy";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { SPEKE_REQUESTS_DIR, itShared, SHARED_DIR } from "../../support/shared";

/** The `spekeProxy` section as the proxy's entry reads it (the one configuration loader, no environment). */
const parseSpekeProxyConfig = (section: unknown) =>
  spekeProxySettings(
    loadConfigSections(
      { spekeProxy: spekeProxyConfigSchema },
      { env: {}, document: section === undefined ? {} : { spekeProxy: section } },
    ).spekeProxy,
  );

const CONFORMANCE = SPEKE_REQUESTS_DIR;
const V2_REQUEST = !SHARED_DIR
  ? ""
  : readFileSync(
      `${CONFORMANCE}/v2-general_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml`,
      "utf8",
    );

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** A stand-in vendor on loopback: records what arrives and answers like a SPEKE v2 server would. */
async function fakeVendor(
  answer: (seen: Seen) => Response | Promise<Response>,
): Promise<{ server: Listening; seen: Seen[] }> {
  const seen: Seen[] = [];
  // A plain node:http server (not our own HTTP layer): the vendor side of the exchange.
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://vendor");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const s: Seen = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: Buffer.concat(parts).toString("utf8"),
    };
    seen.push(s);
    const r = await answer(s);
    const out: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      out[k] = v;
    });
    res.writeHead(r.status, out);
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server: {
      url: `http://127.0.0.1:${port}`,
      port,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    },
    seen,
  };
}

describe("speke-proxy", () => {
  const servers: Listening[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  async function setup(
    preset: "ezdrm" | "keyos" | "axinom" | "generic",
    credential: string,
    extra: Record<string, unknown> = {},
    answer?: (s: Seen) => Response | Promise<Response>,
  ) {
    const vendor = await fakeVendor(
      answer ??
        ((s) =>
          new Response(s.body.replace("<cpix:ContentKeyList>", "<cpix:ContentKeyList><!-- filled -->"), {
            status: 200,
            headers: {
              "content-type": "application/xml",
              "x-speke-version": "2.0",
              "x-speke-user-agent": "FakeVendor",
              "set-cookie": "sid=1",
            },
          })),
    );
    servers.push(vendor.server);
    const lines: string[] = [];
    const { urlPath = "/api/SpekeV2", ...rest } = extra;
    const config = parseSpekeProxyConfig({ vendorUrl: `${vendor.server.url}${String(urlPath)}`, preset, ...rest });
    config.allowInsecureLoopback = true;
    const app = createSpekeProxyApp(
      { credential: vendorCredentialLoader({ env: { VENDOR_CREDENTIAL: credential } }) },
      config,
      createLogger({ sink: (l) => lines.push(l), level: "debug" }),
    );
    const proxy = await listen(app);
    servers.push(proxy);
    return { vendor, proxy, lines };
  }

  // EZDRM documents its CPIX endpoint with the account in the query string:
  // https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?k=KeyID&u=USERNAME&p=PASSWORD&c=RESOURCENAME
  // (Unified Streaming "EZDRM"; Qencode "EZDRM - Widevine": u= account username or email, p= account password).
  itShared(
    "EZDRM: forwards the CPIX body and SPEKE headers, adds u/p query parameters server-side, and never logs them",
    async () => {
      const cred = JSON.stringify({ username: "ops@example.com", password: "ez-secret-123" });
      const { vendor, proxy, lines } = await setup("ezdrm", cred, { urlPath: "/KeyGenerator/cpix.aspx?c=live-1" });
      const res = await fetch(`${proxy.url}/speke`, {
        method: "POST",
        headers: {
          "Content-Type": "application/xml",
          "X-Speke-Version": "2.0",
          Authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x",
          "X-Amz-Security-Token": "tok",
        },
        body: V2_REQUEST,
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-speke-version"), "2.0");
      assert.equal(res.headers.get("x-speke-user-agent"), "FakeVendor");
      assert.equal(res.headers.get("set-cookie"), null, "vendor cookies are not passed back");
      assert.match(await res.text(), /<!-- filled -->/);
      assert.equal(vendor.seen.length, 1);
      const s = vendor.seen[0]!;
      assert.equal(s.path, "/KeyGenerator/cpix.aspx");
      assert.deepEqual(s.query, { c: "live-1", u: "ops@example.com", p: "ez-secret-123" });
      assert.equal(s.body, V2_REQUEST);
      assert.equal(s.headers["x-speke-version"], "2.0");
      assert.equal(s.headers["x-ezdrm-key"], undefined, "no unverified header is invented");
      assert.equal(s.headers["authorization"], undefined, "the packager's SigV4 signature is not forwarded");
      assert.equal(s.headers["x-amz-security-token"], undefined);
      assert.ok(lines.length > 0);
      const log = lines.join("\n");
      assert.ok(!log.includes("ez-secret-123"), "password must not appear in logs");
      assert.ok(
        !log.includes("ops%40example.com") && !log.includes("ops@example.com"),
        "username must not appear in logs",
      );
      assert.match(log, /"vendorAuthVia":"query:u,p"/);

      // A second request gets the same parameters once (the configured URL is never mutated).
      await (await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST })).text();
      assert.deepEqual(vendor.seen[1]!.query, { c: "live-1", u: "ops@example.com", p: "ez-secret-123" });
    },
  );

  itShared(
    "EZDRM: a credential without the password fails closed with no secret in the error body or logs",
    async () => {
      const { vendor, proxy, lines } = await setup(
        "ezdrm",
        JSON.stringify({ username: "ops@example.com", key: "legacy-key-9" }),
      );
      const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
      assert.equal(res.status, 500);
      const body = await res.text();
      for (const secret of ["ops@example.com", "legacy-key-9"]) {
        assert.ok(!body.includes(secret), "no secret in the error body");
        assert.ok(!lines.join("\n").includes(secret), "no secret in logs");
      }
      assert.equal(vendor.seen.length, 0);
    },
  );

  itShared(
    "EZDRM header variant (unverified header name): only with an explicit headerName, carrying key",
    async () => {
      const { vendor, proxy } = await setup("ezdrm", "ez-key-1", { headerName: "X-Onboarding-Header" });
      await (await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST })).text();
      assert.equal(vendor.seen[0]!.headers["x-onboarding-header"], "ez-key-1");
      assert.deepEqual(vendor.seen[0]!.query, {});
    },
  );

  // docs.axinom.com "Key Service > SPEKE" (authorization header as for the Management API) and Unified Streaming "Axinom":
  // curl 'https://key-server-management.axprod.net/api/SpekeV2' -H 'Authorization: Basic <Credentials>',
  // Credentials = base64 of "<tenant ID>:<Key service management key>".
  itShared("Axinom: Authorization Basic base64(tenantId:managementKey) as Axinom documents", async () => {
    const { vendor, proxy } = await setup(
      "axinom",
      JSON.stringify({ tenantId: "6f2a0c55-tenant", managementKey: "mgmt-key" }),
    );
    const res = await fetch(`${proxy.url}/copyProtection`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: V2_REQUEST,
    });
    assert.equal(res.status, 200);
    const auth = vendor.seen[0]!.headers["authorization"]!;
    assert.match(auth, /^Basic /);
    assert.equal(Buffer.from(auth.slice(6), "base64").toString("utf8"), "6f2a0c55-tenant:mgmt-key");
  });

  // BuyDRM publishes neither the KeyOS SPEKE URL nor its header names (go.buydrm.com "Deploying KeyOS with AWS Elemental
  // Media Services": the SPEKE URL is in the KeyOS account Wiki). The names below are the test's own, as an operator
  // would copy them from onboarding material.
  itShared(
    "KeyOS: the user key and KID override headers are the ones configured (no unverified defaults)",
    async () => {
      const { vendor, proxy } = await setup("keyos", JSON.stringify({ key: "user-key-1" }), {
        headerName: "X-Onboarding-UserKey",
        kidOverrideHeaderName: "X-Onboarding-Kid",
        kidOverrideValue: "true",
      });
      // A byte body makes fetch send no Content-Type at all.
      await (await fetch(`${proxy.url}/speke`, { method: "POST", body: new TextEncoder().encode(V2_REQUEST) })).text();
      const h = vendor.seen[0]!.headers;
      assert.equal(h["x-onboarding-userkey"], "user-key-1");
      assert.equal(h["x-onboarding-kid"], "true");
      assert.equal(h["x-keyos-userkey"], undefined);
      assert.equal(h["content-type"], "application/xml", "a missing content type defaults to application/xml");
    },
  );

  it("KeyOS without headerName (or a KID override value without its header) is refused at start-up, saying why", () => {
    assert.throws(
      () =>
        createSpekeProxyApp(
          { credential: async () => ({ key: "k" }) },
          { vendorUrl: "https://keyos.example/speke", preset: "keyos" },
        ),
      /keyos preset needs a headerName.*unverified/,
    );
    assert.throws(
      () => credentialTransport({ preset: "keyos", headerName: "X-U", kidOverrideValue: "1" }),
      /kidOverrideHeaderName.*unverified/,
    );
    assert.throws(
      () => credentialTransport({ preset: "axinom", kidOverrideValue: "1" }),
      /only used by the keyos preset/,
    );
  });

  itShared("passes the vendor's 422 SPEKE error through unchanged", async () => {
    const { proxy } = await setup(
      "generic",
      "k",
      { headerName: "X-Api-Key" },
      () => new Response("Unsupported CPIX@version", { status: 422, headers: { "content-type": "text/plain" } }),
    );
    const res = await fetch(`${proxy.url}/speke`, {
      method: "POST",
      headers: { "X-Speke-Version": "2.0" },
      body: V2_REQUEST,
    });
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "Unsupported CPIX@version");
  });

  itShared("answers 504 UPSTREAM_TIMEOUT when the vendor is too slow", async () => {
    const { proxy } = await setup(
      "generic",
      "k",
      { headerName: "X-Api-Key", timeoutMs: 200 },
      () => new Promise<Response>((r) => setTimeout(() => r(new Response("late")), 1500)),
    );
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "UPSTREAM_TIMEOUT");
  });

  itShared("answers 502 when the vendor response exceeds the cap", async () => {
    const { proxy } = await setup(
      "generic",
      "k",
      { headerName: "X-Api-Key", maxResponseBytes: 2048 },
      () => new Response("x".repeat(10_000)),
    );
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "UPSTREAM_RESPONSE_TOO_LARGE");
  });

  itShared("answers 502 UPSTREAM_UNAVAILABLE when the vendor is unreachable", async () => {
    const dead = await listen(new App());
    const url = dead.url;
    await dead.close();
    const config = parseSpekeProxyConfig({ vendorUrl: `${url}/speke`, preset: "ezdrm" });
    config.allowInsecureLoopback = true;
    const lines: string[] = [];
    const proxy = await listen(
      createSpekeProxyApp(
        { credential: async () => ({ username: "u1", password: "pw-unreachable-7" }) },
        config,
        createLogger({ sink: (l) => lines.push(l), level: "debug" }),
      ),
    );
    servers.push(proxy);
    const res = await fetch(`${proxy.url}/speke`, { method: "POST", body: V2_REQUEST });
    assert.equal(res.status, 502);
    const body = await res.text();
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, "UPSTREAM_UNAVAILABLE");
    assert.ok(
      !body.includes("pw-unreachable-7") && !lines.join("\n").includes("pw-unreachable-7"),
      "the query credential is in neither the error nor the logs",
    );
  });

  it("refuses an empty body and unknown routes without calling the vendor", async () => {
    const { vendor, proxy } = await setup("ezdrm", JSON.stringify({ username: "u", password: "p" }));
    assert.equal((await fetch(`${proxy.url}/speke`, { method: "POST" })).status, 400);
    assert.equal((await fetch(`${proxy.url}/other`, { method: "POST", body: "x" })).status, 404);
    assert.equal(vendor.seen.length, 0);
  });

  it("configuration: refuses http vendor URLs, embedded credentials, unknown presets and reserved header names", () => {
    assert.throws(() => assertVendorUrl("http://vendor.example/speke"), /https/);
    assert.throws(() => assertVendorUrl("https://u:p@vendor.example/speke"), /credentials/);
    assert.doesNotThrow(() => assertVendorUrl("https://vendor.example/speke"));
    assert.throws(() => parseSpekeProxyConfig({ vendorUrl: "https://v.example", preset: "acme" }), /preset/);
    assert.throws(() => parseSpekeProxyConfig(undefined), /spekeProxy: /);
    assert.throws(
      () => parseSpekeProxyConfig({ vendorUrl: "https://v.example", preset: "ezdrm", timeoutMs: 60_000 }),
      /spekeProxy\.timeoutMs: Too big/,
    );
    assert.throws(
      () => parseSpekeProxyConfig({ vendorUrl: "https://v.example", preset: "ezdrm", credential: "k" }),
      /Unrecognized key: "credential"/,
    );
    assert.throws(() => parseSpekeProxyConfig({ vendorUrl: "not a url", preset: "ezdrm" }), /spekeProxy\.vendorUrl: /);
    assert.deepEqual(
      parseSpekeProxyConfig({
        vendorUrl: "https://v.example/s",
        preset: "keyos",
        kidOverrideValue: "1",
        timeoutMs: 5000,
      }),
      { vendorUrl: "https://v.example/s", preset: "keyos", kidOverrideValue: "1", timeoutMs: 5000 },
    );
    assert.throws(() => vendorHeaders({ preset: "generic" }, { key: "k" }), /headerName/);
    assert.throws(() => vendorHeaders({ preset: "generic", headerName: "Host" }, { key: "k" }), /reserved/);
    assert.throws(
      () => vendorHeaders({ preset: "generic", headerName: "X-Key" }, { key: "a\r\nInjected: 1" }),
      /control characters/,
    );
    assert.throws(() => vendorHeaders({ preset: "axinom" }, { key: "k" }), /tenantId/);
    // EZDRM: u/p belong in the secret, never in the URL (the error names the parameter, not its value).
    assert.throws(
      () =>
        createSpekeProxyApp(
          { credential: async () => ({}) },
          { vendorUrl: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?c=x&p=hunter2", preset: "ezdrm" },
        ),
      (e: Error) => /must not carry the "p" credential parameter/.test(e.message) && !e.message.includes("hunter2"),
    );
    assert.doesNotThrow(() =>
      createSpekeProxyApp(
        { credential: async () => ({}) },
        { vendorUrl: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?c=x&m=1", preset: "ezdrm" },
      ),
    );
    assert.deepEqual(credentialTransport({ preset: "ezdrm" }), { kind: "query", names: ["u", "p"] });
    assert.deepEqual(credentialTransport({ preset: "axinom" }), { kind: "header", name: "Authorization" });
    assert.deepEqual(vendorRequestParams({ preset: "ezdrm" }, { username: "a b&c", password: "p=1" }), {
      headers: {},
      query: { u: "a b&c", p: "p=1" },
    });
    assert.throws(
      () => vendorRequestParams({ preset: "ezdrm" }, { username: "u", password: "a\nb" }),
      /control characters/,
    );
  });

  it("credential parsing: JSON object or a bare string, with the env fallback winning over Secrets Manager", async () => {
    assert.deepEqual(parseVendorCredential(" abc "), { key: "abc" });
    assert.deepEqual(parseVendorCredential('{"tenantId":"t","managementKey":"m"}'), {
      tenantId: "t",
      managementKey: "m",
    });
    assert.deepEqual(parseVendorCredential('{"username":"u","password":"p"}'), { username: "u", password: "p" });
    assert.throws(() => parseVendorCredential('{"password":7}'), /password must be a string/);
    assert.throws(() => parseVendorCredential('{"key":1}'), /must be a string/);
    let calls = 0;
    const load = vendorCredentialLoader({
      env: { VENDOR_CREDENTIAL: "from-env", VENDOR_CREDENTIAL_SECRET_ARN: "arn:x" },
      client: {
        send: async () => {
          calls++;
          return {};
        },
      } as never,
    });
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
        if (fail) {
          fail = false;
          throw new Error("throttled");
        }
        return { SecretString: '{"key":"sm-key"}' };
      },
    };
    const load = vendorCredentialLoader({
      env: { VENDOR_CREDENTIAL_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" },
      client: client as never,
      ttlMs: 1000,
      now: () => t,
    });
    await assert.rejects(load(), /throttled/);
    assert.deepEqual(await load(), { key: "sm-key" });
    assert.deepEqual(await load(), { key: "sm-key" });
    assert.equal(calls, 2);
    t = 5000;
    await load();
    assert.equal(calls, 3);
  });
});
