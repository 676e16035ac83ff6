/**
 * The bundled SPEKE proxy handler (what SpekeVendorProxy deploys), driven with an API Gateway REST proxy event.
 * The vendor URL must be https, so this checks the deployed wiring (config from the `spekeProxy` section of KEYPLANE_CONFIG, credential from the
 * VENDOR_CREDENTIAL fallback, error mapping) against an unreachable vendor; the forwarding itself is tested over real
 * loopback HTTP in test/functions/speke-proxy.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SPEKE_PROXY_ENTRY } from "../../../components/aws/speke-vendor-proxy";
import { bundleFunction } from "../../../components/shared/bundle";

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; body: string; isBase64Encoded?: boolean }>;

describe("components/aws bundled SPEKE proxy handler", function () {
  this.timeout(20_000);
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const k of ["KEYPLANE_CONFIG", "VENDOR_CREDENTIAL"]) saved[k] = process.env[k];
    dir = mkdtempSync(join(tmpdir(), "keyplane-proxy-bundle-"));
    writeFileSync(join(dir, "index.js"), bundleFunction(SPEKE_PROXY_ENTRY).code);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const load = (): Handler => {
    const file = join(dir, "index.js");
    delete require.cache[file];
    return (require(file) as { handler: Handler }).handler;
  };

  it("maps an unreachable vendor to 502 UPSTREAM_UNAVAILABLE for a REST proxy event", async () => {
    process.env.KEYPLANE_CONFIG = JSON.stringify({
      spekeProxy: { vendorUrl: "https://127.0.0.1:1/speke", preset: "ezdrm", timeoutMs: 2000 },
    });
    // EZDRM takes its account credentials as the `u` / `p` query parameters (Unified Streaming and Qencode EZDRM docs).
    process.env.VENDOR_CREDENTIAL = JSON.stringify({ username: "ez-user", password: "ez-key" });
    const handler = load();
    const res = await handler(
      {
        resource: "/speke",
        path: "/speke",
        httpMethod: "POST",
        headers: { "Content-Type": "application/xml", "X-Speke-Version": "2.0" },
        multiValueHeaders: { "Content-Type": ["application/xml"], "X-Speke-Version": ["2.0"] },
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: {
          resourcePath: "/speke",
          httpMethod: "POST",
          path: "/v1/speke",
          stage: "v1",
          requestId: "r1",
          identity: { sourceIp: "198.51.100.7" },
        },
        body: Buffer.from("<cpix:CPIX/>").toString("base64"),
        isBase64Encoded: true,
      },
      { awsRequestId: "r1" },
    );
    assert.equal(res.statusCode, 502);
    const body = res.isBase64Encoded ? Buffer.from(res.body, "base64").toString() : res.body;
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, "UPSTREAM_UNAVAILABLE");
    assert.ok(!body.includes("ez-key"));
    assert.ok(!body.includes("ez-user"));
  });

  it("fails at cold start on a bad configuration", () => {
    process.env.KEYPLANE_CONFIG = JSON.stringify({
      spekeProxy: { vendorUrl: "http://vendor.example/speke", preset: "ezdrm" },
    });
    assert.throws(() => load(), /vendorUrl must use https/);
  });
});
