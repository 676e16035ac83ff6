import { strict as assert } from "node:assert";
import { isAllowedUpstreamUrl, licenseConfigSchema } from "../../../functions/license/config";

const open = { type: "Open" as const };
const base = {
  kind: "headers" as const,
  upstreamUrl: "https://license.example.com/wv",
  restriction: open,
  headers: { "x-auth": { env: "EZ" } },
};

describe("license/config", () => {
  it("{} is a valid (empty) configuration", () => {
    assert.deepEqual(licenseConfigSchema.parse({}), { vendors: {} });
  });

  it("fills defaults: 5000 ms timeout, content-type forwarded, 64 KiB challenges", () => {
    const c = licenseConfigSchema.parse({ vendors: { ezdrm: base } });
    const v = c.vendors.ezdrm!;
    assert.equal(v.timeoutMs, 5000);
    assert.deepEqual(v.forwardHeaders, ["content-type"]);
    assert.equal(v.maxChallengeBytes, 64 * 1024);
  });

  it("upstream URLs: https, or http on loopback only; no userinfo", () => {
    assert.equal(isAllowedUpstreamUrl("https://drm-widevine-licensing.axprod.net/AcquireLicense"), true);
    assert.equal(isAllowedUpstreamUrl("http://127.0.0.1:8080/x"), true);
    assert.equal(isAllowedUpstreamUrl("http://localhost/x"), true);
    assert.equal(isAllowedUpstreamUrl("http://license.example.com/x"), false);
    assert.equal(isAllowedUpstreamUrl("http://127.0.0.1.evil.com/x"), false);
    assert.equal(isAllowedUpstreamUrl("https://user:pw@license.example.com/"), false);
    assert.equal(isAllowedUpstreamUrl("ftp://license.example.com/"), false);
    assert.equal(
      licenseConfigSchema.safeParse({ vendors: { ezdrm: { ...base, upstreamUrl: "http://license.example.com/wv" } } })
        .success,
      false,
    );
  });

  it("refuses forwarding credentials or hop-by-hop headers from the player", () => {
    for (const h of ["authorization", "Cookie", "x-axdrm-message", "X-DT-Auth-Token", "host"]) {
      assert.equal(
        licenseConfigSchema.safeParse({ vendors: { ezdrm: { ...base, forwardHeaders: [h] } } }).success,
        false,
        h,
      );
    }
    assert.equal(
      licenseConfigSchema.safeParse({ vendors: { ezdrm: { ...base, forwardHeaders: ["x-auth"] } } }).success,
      false,
      "credential header cannot be forwarded too",
    );
  });

  it("credentials are references (env name or Secrets Manager ARN), never inline values", () => {
    assert.equal(
      licenseConfigSchema.safeParse({ vendors: { ezdrm: { ...base, headers: { "x-auth": "the-secret-itself" } } } })
        .success,
      false,
    );
    assert.equal(
      licenseConfigSchema.safeParse({
        vendors: { ezdrm: { ...base, headers: { "x-auth": { secretsManagerArn: "not-an-arn" } } } },
      }).success,
      false,
    );
    assert.equal(
      licenseConfigSchema.safeParse({
        vendors: {
          ezdrm: {
            ...base,
            headers: {
              "x-auth": {
                secretsManagerArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ez-AbC123",
                jsonKey: "token",
              },
            },
          },
        },
      }).success,
      true,
    );
  });

  it("validates vendor-specific fields (Axinom com key id, DRMtoday algorithms, CRT required)", () => {
    const ax = {
      kind: "axinom",
      upstreamUrl: "https://drm-widevine-licensing.axprod.net/AcquireLicense",
      restriction: open,
      kids: ["9eb4050d-e44b-4802-932e-27d75083e266"],
      comKeyId: "aa0151d7-081c-4699-a049-fc584556c9d2",
      comKey: { env: "AX" },
    };
    const axParsed = licenseConfigSchema.parse({ vendors: { axinom: ax } }).vendors.axinom!;
    assert.equal(axParsed.kind === "axinom" && axParsed.messageTtlSeconds, 60);
    assert.equal(licenseConfigSchema.safeParse({ vendors: { axinom: { ...ax, comKeyId: "nope" } } }).success, false);
    const dt = {
      kind: "drmtoday",
      upstreamUrl: "https://lic.drmtoday.com/license-proxy-widevine/cenc/",
      restriction: open,
      merchant: "m",
      sharedSecret: { env: "DT" },
      sharedSecretId: "k",
      crt: [{ assetId: "a" }],
    };
    assert.equal(licenseConfigSchema.safeParse({ vendors: { dt } }).success, true);
    assert.equal(licenseConfigSchema.safeParse({ vendors: { dt: { ...dt, alg: "none" } } }).success, false);
    assert.equal(licenseConfigSchema.safeParse({ vendors: { dt: { ...dt, crt: [] } } }).success, false);
    assert.equal(licenseConfigSchema.safeParse({ vendors: { "Bad Name": base } }).success, false);
  });
});
