/**
 * What ships is what we test: bundle functions/runtimes/entries/speke.ts with the same esbuild helper the component
 * uses, write it to a temp dir, require() it, and call handler(event) with API Gateway REST API proxy events carrying
 * the public SPEKE conformance requests (awslabs/speke-reference-server samples, /work/shared/conformance).
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SPEKE_ENTRY } from "../../../components/aws/speke-key-server";
import { bundleFunction } from "../../../components/shared/bundle";
import { SPEKE_REQUESTS_DIR, itShared } from "../../support/shared";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

const DIR = SPEKE_REQUESTS_DIR;
const read = (f: string) => readFileSync(join(DIR, f), "utf8");

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: boolean;
}>;

function restEvent(body: string, headers: Record<string, string>, path = "/speke") {
  return {
    resource: path,
    path,
    httpMethod: "POST",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourcePath: path,
      httpMethod: "POST",
      path: `/v1${path}`,
      stage: "v1",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      identity: {
        sourceIp: "198.51.100.7",
        userArn: "arn:aws:sts::123456789012:assumed-role/ks-packager/MediaPackage",
      },
      accountId: "123456789012",
      apiId: "abc123",
      protocol: "HTTP/1.1",
      requestTimeEpoch: 1764072000000,
    },
    body: Buffer.from(body, "utf8").toString("base64"),
    isBase64Encoded: true,
  };
}

const context = { awsRequestId: "req-1", functionName: "ks-speke-fn", getRemainingTimeInMillis: () => 10_000 };
const header = (
  res: { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> },
  name: string,
): string | undefined => {
  for (const [k, v] of Object.entries(res.headers ?? {})) if (k.toLowerCase() === name) return v;
  for (const [k, v] of Object.entries(res.multiValueHeaders ?? {})) if (k.toLowerCase() === name) return v[0];
  return undefined;
};
const bodyText = (res: { body: string; isBase64Encoded?: boolean }) =>
  res.isBase64Encoded ? Buffer.from(res.body, "base64").toString("utf8") : res.body;

describe("components/aws bundled SPEKE handler (API Gateway REST proxy events)", function () {
  this.timeout(20_000);
  let handler: Handler;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  before(() => {
    for (const k of ["KEY_SEED", "KEY_SEED_SECRET_ARN", "KEYPLANE_CONFIG", "LOG_LEVEL"]) saved[k] = process.env[k];
    // Microsoft's published PlayReady test key seed (DOMAIN.md); env KEY_SEED wins over KEY_SEED_SECRET_ARN.
    process.env.KEY_SEED = MICROSOFT_TEST_SEED_B64;
    process.env.KEY_SEED_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:never-read-AbCdEf";
    process.env.KEYPLANE_CONFIG = JSON.stringify({ speke: { publicBaseUrl: "https://keys.example.com" } });
    process.env.LOG_LEVEL = "error";
    dir = mkdtempSync(join(tmpdir(), "keyplane-speke-bundle-"));
    const file = join(dir, "index.js");
    writeFileSync(file, bundleFunction(SPEKE_ENTRY).code);
    handler = (require(file) as { handler: Handler }).handler;
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  itShared("answers the v2 preset video 1 / audio 1 request with 200 CPIX and the SPEKE v2 headers", async () => {
    const res = await handler(
      restEvent(read("v2-general_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml"), {
        "Content-Type": "application/xml",
        "X-Speke-Version": "2.0",
      }),
      context,
    );
    assert.equal(res.statusCode, 200);
    assert.match(header(res, "content-type") ?? "", /^application\/xml/);
    assert.equal(header(res, "x-speke-version"), "2.0");
    assert.ok(header(res, "x-speke-user-agent"), "X-Speke-User-Agent is sent");
    const xml = bodyText(res);
    assert.match(xml, /contentId="test_case_generic"/);
    assert.match(xml, /version="2.3"/);
    assert.ok(!xml.includes("urn:aws:amazon:com:speke"), "no speke namespace in v2 responses");
    assert.equal(
      (xml.match(/<(?:\w+:)?PSSH>[A-Za-z0-9+/=]+</g) ?? []).length,
      2,
      "each Widevine DRMSystem gets a PSSH",
    );
    assert.equal((xml.match(/PlainValue>[A-Za-z0-9+/=]{24}</g) ?? []).length, 2, "two 16-byte content keys");
  });

  itShared("is deterministic: the same request twice returns the same keys", async () => {
    const ev = () =>
      restEvent(read("v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml"), {
        "content-type": "application/xml",
        "x-speke-version": "2.0",
      });
    const a = bodyText(await handler(ev(), context)).match(/PlainValue>([^<]+)</g);
    const b = bodyText(await handler(ev(), context)).match(/PlainValue>([^<]+)</g);
    assert.ok(a && a.length === 2);
    assert.deepEqual(a, b);
  });

  itShared("accepts mixed-case header names and the SHARED (ALL) request on /copyProtection", async () => {
    const res = await handler(
      restEvent(
        read("v2-general_2_speke_v1_style_implementation.xml"),
        { "CONTENT-TYPE": "application/xml", "x-SPEKE-version": "2.0" },
        "/copyProtection",
      ),
      context,
    );
    assert.equal(res.statusCode, 200);
    assert.equal((bodyText(res).match(/PlainValue>[A-Za-z0-9+/=]{24}</g) ?? []).length, 1, "one shared key");
  });

  itShared("refuses the negative conformance requests with 4xx", async () => {
    for (const f of [
      "v2-general_3_negative_wrong_version_spekev2_dash_widevine.xml",
      "v2-general_4_spekev2_negative_preset_shared_video.xml",
      "v2-general_5_spekev2_negative_preset_shared_audio.xml",
      "v2-negative-fairplay_with_cenc-server_api_body_spekev2.xml",
      "v2-vod_3_negative_wrong_version_spekev2_dash_widevine.xml",
    ]) {
      const res = await handler(
        restEvent(read(f), { "Content-Type": "application/xml", "X-Speke-Version": "2.0" }),
        context,
      );
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${f}: expected 4xx, got ${res.statusCode}`);
    }
    const wrong = await handler(
      restEvent(read("v2-general_3_negative_wrong_version_spekev2_dash_widevine.xml"), {
        "Content-Type": "application/xml",
        "X-Speke-Version": "2.0",
      }),
      context,
    );
    assert.equal(wrong.statusCode, 422);
    assert.equal(bodyText(wrong), "Unsupported CPIX@version");
  });

  itShared("answers the v1 request (no version header) with 200 and HLS AES-128 key data", async () => {
    const res = await handler(
      restEvent(read("v1-server_api_body.xml"), { "Content-Type": "application/xml" }),
      context,
    );
    assert.equal(res.statusCode, 200);
    assert.ok(header(res, "speke-user-agent"), "v1 sends Speke-User-Agent");
    assert.match(bodyText(res), /URIExtXKey>[A-Za-z0-9+/=]+</);
  });
});
