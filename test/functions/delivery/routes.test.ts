/**
 * Key delivery over real HTTP on loopback: the negative matrix of issue 3 (each refused with the right status),
 * ClearKey and HLS happy paths, token sources, OpenID Connect discovery, and hygiene (WWW-Authenticate, no secrets
 * in logs or error bodies). Tokens here are built by hand (node:crypto HMAC / RSA signatures) or with jose, never
 * with Keyplane's own issuer.
 */
import assert from "node:assert/strict";
import {
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign as rsaSign,
  X509Certificate,
  createPrivateKey,
} from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { seed, startDelivery, makeRsaCert, b64url, json, type Server } from "../../support/delivery";

const ISS = "https://sts.example";
const AUD = "urn:keyplane-test";
const CKI = "urn:microsoft:azure:mediaservices:contentkeyidentifier";
const MAXUSES = "urn:microsoft:azure:mediaservices:maxuses";

const KID = {
  hs: "11111111-1111-4111-8111-111111111111",
  hs2: "11111111-1111-4111-8111-222222222222",
  rs: "22222222-2222-4222-8222-222222222222",
  swt: "33333333-3333-4333-8333-333333333333",
  open: "44444444-4444-4444-8444-444444444444",
  claims: "55555555-5555-4555-8555-555555555555",
  oidc: "66666666-6666-4666-8666-666666666666",
  wv: "77777777-7777-4777-8777-777777777777",
  oidcDown: "99999999-9999-4999-8999-999999999999",
  none: "88888888-8888-4888-8888-888888888888",
};
const kidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ""), "hex");
const DAY = 86_400;
const TEN_YEARS = 10 * 365 * DAY;

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const K3 = randomBytes(32);
const KWRONG = randomBytes(32);

function hs256(header: object, payload: object, key: Buffer): string {
  const input = `${json(header)}.${json(payload)}`;
  return `${input}.${b64url(createHmac("sha256", key).update(input).digest())}`;
}
function rs256(header: object, payload: object, keyPem: string): string {
  const input = `${json(header)}.${json(payload)}`;
  return `${input}.${b64url(rsaSign("sha256", Buffer.from(input), createPrivateKey(keyPem)))}`;
}
/** SWT per Microsoft's SWT 0.9.5.1 / AMS token format: form-encoded claims, Audience, ExpiresOn, Issuer, then HMACSHA256. */
function swt(claims: Record<string, string>, key: Buffer): string {
  const body = new URLSearchParams(claims).toString();
  return `${body}&HMACSHA256=${encodeURIComponent(createHmac("sha256", key).update(body).digest("base64"))}`;
}

describe("delivery routes over loopback", function () {
  this.timeout(30000);
  let srv: Server;
  let oidc: HttpServer;
  let rsaA: { keyPem: string; certPem: string };
  let rsaB: { keyPem: string; certPem: string };
  const oidcKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = () => Math.floor(srv.clock.now / 1000);
  const claims = (kid: string, extra: Record<string, unknown> = {}) => ({
    iss: ISS,
    aud: AUD,
    iat: now(),
    exp: now() + 600,
    [CKI]: kid,
    ...extra,
  });
  const H = { alg: "HS256", typ: "JWT" };

  before(async () => {
    rsaA = makeRsaCert();
    rsaB = makeRsaCert();
    oidc = createServer((req, res) => {
      const base = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}`;
      res.setHeader("content-type", "application/json");
      if (req.url === "/.well-known/openid-configuration")
        res.end(JSON.stringify({ issuer: ISS, jwks_uri: `${base}/jwks` }));
      else if (req.url === "/jwks")
        res.end(
          JSON.stringify({
            keys: [{ ...oidcKey.publicKey.export({ format: "jwk" }), kid: "c1", use: "sig", alg: "RS256" }],
          }),
        );
      else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
    await new Promise<void>((r) => oidc.listen(0, "127.0.0.1", r));
    const oidcUrl = `http://127.0.0.1:${(oidc.address() as AddressInfo).port}/.well-known/openid-configuration`;
    const pubA = createPrivateKey(rsaA.keyPem).export({ format: "jwk" });
    const certBDer = new X509Certificate(rsaB.certPem).raw.toString("base64");
    const tok = (extra: object) => ({ type: "Token", issuer: ISS, audience: AUD, tokenType: "Jwt", ...extra });
    const sym = (k: Buffer) => ({ type: "Symmetric", keyValue: k.toString("base64") });
    const ck = (name: string, restriction: object) => ({ name, configuration: { type: "ClearKey" }, restriction });
    const policies = {
      policies: [
        {
          name: "hs",
          options: [
            ck(
              "hs",
              tok({
                primaryVerificationKey: sym(K1),
                alternateVerificationKeys: [sym(K2)],
                requiredClaims: [{ claimType: CKI }],
              }),
            ),
          ],
        },
        {
          name: "rs",
          options: [
            ck(
              "rs",
              tok({
                primaryVerificationKey: {
                  type: "Rsa",
                  modulus: Buffer.from(pubA.n!, "base64url").toString("base64"),
                  exponent: Buffer.from(pubA.e!, "base64url").toString("base64"),
                },
                alternateVerificationKeys: [{ type: "X509", rawBody: certBDer }],
              }),
            ),
          ],
        },
        { name: "swt", options: [ck("swt", tok({ tokenType: "Swt", primaryVerificationKey: sym(K3) }))] },
        { name: "open", options: [ck("open", { type: "Open" })] },
        {
          name: "claims",
          options: [
            ck(
              "claims",
              tok({
                primaryVerificationKey: sym(K1),
                requiredClaims: [{ claimType: "tier", claimValue: "gold" }, { claimType: "entitled" }],
              }),
            ),
          ],
        },
        { name: "oidc", options: [ck("oidc", tok({ openIdConnectDiscoveryDocument: oidcUrl }))] },
        { name: "wv", options: [{ name: "wv", configuration: { type: "Widevine" }, restriction: { type: "Open" } }] },
        {
          name: "oidcdown",
          options: [
            ck(
              "oidcdown",
              tok({ openIdConnectDiscoveryDocument: "http://127.0.0.1:1/.well-known/openid-configuration" }),
            ),
          ],
        },
      ],
      bindings: [
        { policy: "hs", kids: [KID.hs, KID.hs2] },
        { policy: "rs", kids: [KID.rs] },
        { policy: "swt", kids: [KID.swt] },
        { policy: "open", kids: [KID.open] },
        { policy: "claims", kids: [KID.claims] },
        { policy: "oidc", kids: [KID.oidc] },
        { policy: "wv", kids: [KID.wv] },
        { policy: "oidcdown", kids: [KID.oidcDown] },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), "keyplane-policy-"));
    writeFileSync(join(dir, "policies.json"), JSON.stringify(policies));
    srv = await startDelivery({ policyFile: join(dir, "policies.json"), clockSkewSeconds: 60 });
  });
  after(async () => {
    await srv?.close();
    await new Promise((r) => oidc?.close(r));
  });

  async function hlsKey(kid: string, token?: string, how: "bearer" | "legacy" | "query" = "bearer") {
    const headers: Record<string, string> = {};
    let url = `${srv.url}/hls/key/${kid}`;
    if (token !== undefined) {
      if (how === "bearer") headers.authorization = `Bearer ${token}`;
      else if (how === "legacy") headers.authorization = `Bearer=${token}`;
      else url += `?token=${encodeURIComponent(token)}`;
    }
    const res = await fetch(url, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      body,
      res,
      code: res.status === 200 ? undefined : (JSON.parse(body.toString()) as { error: { code: string } }).error.code,
    };
  }
  async function clearkey(kids: string[], token?: string, raw?: Uint8Array) {
    const res = await fetch(`${srv.url}/clearkey`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      // A Uint8Array body makes fetch send no Content-Type, as some CDMs do.
      body: (raw ?? new TextEncoder().encode(JSON.stringify({ kids, type: "temporary" }))) as unknown as BodyInit,
    });
    return { status: res.status, res, json: (await res.json()) as any };
  }

  describe("accepted", () => {
    it("serves the raw 16-byte key for a valid HS256 token (primary key)", async () => {
      const r = await hlsKey(KID.hs, hs256(H, claims(KID.hs), K1));
      assert.equal(r.status, 200);
      assert.equal(r.res.headers.get("content-type"), "application/octet-stream");
      assert.equal(r.res.headers.get("cache-control"), "no-store");
      assert.deepEqual(r.body, seed.contentKey(kidBytes(KID.hs)));
    });
    it("accepts the KID as 32 hex and as base64url in the path", async () => {
      const t = hs256(H, claims(KID.hs), K1);
      assert.equal((await hlsKey(KID.hs.replace(/-/g, ""), t)).status, 200);
      assert.equal((await hlsKey(b64url(kidBytes(KID.hs)), t)).status, 200);
    });
    it("tries the alternate key after the primary", async () => {
      assert.equal((await hlsKey(KID.hs, hs256(H, claims(KID.hs), K2))).status, 200);
    });
    it("takes tokens from Bearer=, ?token= and a content key identifier claim in hex or base64url form", async () => {
      assert.equal((await hlsKey(KID.hs, hs256(H, claims(KID.hs), K1), "legacy")).status, 200);
      assert.equal((await hlsKey(KID.hs, hs256(H, claims(KID.hs), K1), "query")).status, 200);
      assert.equal((await hlsKey(KID.hs, hs256(H, claims(KID.hs.replace(/-/g, "").toUpperCase()), K1))).status, 200);
      assert.equal((await hlsKey(KID.hs, hs256(H, claims(b64url(kidBytes(KID.hs))), K1))).status, 200);
    });
    it("accepts RS256 with the RSA (modulus/exponent) primary and the X.509 alternate", async () => {
      const p = { iss: ISS, aud: AUD, exp: now() + 600 };
      assert.equal((await hlsKey(KID.rs, rs256({ alg: "RS256" }, p, rsaA.keyPem))).status, 200);
      assert.equal((await hlsKey(KID.rs, rs256({ alg: "RS256" }, p, rsaB.keyPem))).status, 200);
    });
    it("accepts a SWT built per the AMS format (claims, Audience, ExpiresOn, Issuer, HMACSHA256)", async () => {
      const t = swt({ [CKI]: KID.swt, Audience: AUD, ExpiresOn: String(now() + 600), Issuer: ISS }, K3);
      assert.equal((await hlsKey(KID.swt, t)).status, 200);
      assert.equal((await hlsKey(KID.swt, t, "query")).status, 200);
    });
    it("serves an Open policy without a token", async () => {
      const r = await hlsKey(KID.open);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, seed.contentKey(kidBytes(KID.open)));
    });
    it("verifies RS256 tokens against the JWKS from the OpenID Connect discovery document", async () => {
      const pem = oidcKey.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
      const ok = rs256({ alg: "RS256", kid: "c1" }, { iss: ISS, aud: AUD, exp: now() + 600 }, pem);
      assert.equal((await hlsKey(KID.oidc, ok)).status, 200);
      const stranger = rs256({ alg: "RS256", kid: "c1" }, { iss: ISS, aud: AUD, exp: now() + 600 }, rsaA.keyPem);
      assert.equal((await hlsKey(KID.oidc, stranger)).status, 401);
    });
    it("allows expiry within the configured clock skew", async () => {
      assert.equal(
        (await hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() - 600, exp: now() - 30 }), K1))).status,
        200,
      );
    });
    it("allows iat and nbf in the future within the clock skew, and exp - now up to the cap + skew", async () => {
      assert.equal(
        (await hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() + 60 }), K1))).status,
        200,
        "iat 60 s ahead",
      );
      assert.equal(
        (await hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() + 30, nbf: now() + 30 }), K1))).status,
        200,
        "iat and nbf 30 s ahead",
      );
      assert.equal(
        (await hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs, exp: now() + DAY + 60 }, K1))).status,
        200,
        "no iat, exp at the cap + skew",
      );
      assert.equal(
        (await hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() + 60, exp: now() + 60 + DAY }), K1))).status,
        200,
        "iat 60 s ahead, lifetime the cap",
      );
      assert.equal(
        (await hlsKey(KID.swt, swt({ Audience: AUD, ExpiresOn: String(now() + DAY + 60), Issuer: ISS }, K3))).status,
        200,
        "SWT ExpiresOn at the cap + skew",
      );
    });
    it("answers a W3C ClearKey license for a body without Content-Type", async () => {
      const kid = b64url(kidBytes(KID.hs));
      const r = await clearkey([kid], hs256(H, claims(KID.hs), K1));
      assert.equal(r.status, 200);
      assert.equal(r.res.headers.get("cache-control"), "no-store");
      assert.deepEqual(r.json, {
        keys: [{ kty: "oct", kid, k: b64url(seed.contentKey(kidBytes(KID.hs))) }],
        type: "temporary",
      });
    });
    it("answers multi-KID ClearKey requests when the token is bound to every KID", async () => {
      const kids = [KID.hs, KID.hs2].map((k) => b64url(kidBytes(k)));
      const r = await clearkey(kids, hs256(H, claims(KID.hs, { [CKI]: [KID.hs, KID.hs2] }), K1));
      assert.equal(r.status, 200);
      assert.equal(r.json.keys.length, 2);
      assert.equal((await clearkey(kids, hs256(H, claims(KID.hs), K1))).status, 403);
    });
  });

  describe("negative matrix", () => {
    const cases: Array<[string, () => Promise<{ status: number; code?: string | undefined }>, number, string?]> = [
      ["no token", () => hlsKey(KID.hs), 401, "TOKEN_MISSING"],
      ["alg none", () => hlsKey(KID.hs, `${json({ alg: "none", typ: "JWT" })}.${json(claims(KID.hs))}.`), 401],
      [
        "HS256 signed with the RSA public key as HMAC secret (alg confusion)",
        () => {
          const pem = Buffer.from(
            new X509Certificate(rsaA.certPem).publicKey.export({ format: "pem", type: "spki" }).toString(),
          );
          return hlsKey(KID.rs, hs256(H, { iss: ISS, aud: AUD, exp: now() + 600 }, pem));
        },
        401,
        "TOKEN_INVALID",
      ],
      [
        "HS256 signed with the X.509 certificate bytes as HMAC secret (alg confusion)",
        () => {
          return hlsKey(
            KID.rs,
            hs256(H, { iss: ISS, aud: AUD, exp: now() + 600 }, new X509Certificate(rsaB.certPem).raw),
          );
        },
        401,
        "TOKEN_INVALID",
      ],
      [
        "RS256 token to an HS256-only policy",
        () => hlsKey(KID.hs, rs256({ alg: "RS256" }, claims(KID.hs), rsaA.keyPem)),
        401,
        "TOKEN_INVALID",
      ],
      ["wrong key", () => hlsKey(KID.hs, hs256(H, claims(KID.hs), KWRONG)), 401, "TOKEN_INVALID"],
      [
        "expired beyond skew",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() - 900, exp: now() - 300 }), K1)),
        401,
        "TOKEN_EXPIRED",
      ],
      [
        "future nbf",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { nbf: now() + 300 }), K1)),
        401,
        "TOKEN_NOT_YET_VALID",
      ],
      [
        "wrong iss",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { iss: "https://evil.example" }), K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "wrong aud",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { aud: "urn:other" }), K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "missing exp",
        () => hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "lifetime longer than the restriction allows",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { exp: now() + 30 * 24 * 3600 }), K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      // Issue 14 item 3: the lifetime was measured from iat, so a token could claim a recent iat and live for years.
      // RFC 7519 §4.1.5/§4.1.6: nbf and iat beyond our clock (+ skew) are refused; exp - now is capped at the
      // restriction's maxTokenLifetimeSeconds (24 h by default) + skew.
      [
        "exp ten years ahead, iat a minute before exp, no nbf",
        () =>
          hlsKey(
            KID.hs,
            hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs, iat: now() + TEN_YEARS - 60, exp: now() + TEN_YEARS }, K1),
          ),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "exp two days ahead, iat an hour before exp",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() + 2 * DAY - 3600, exp: now() + 2 * DAY }), K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "iat in the future beyond skew",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { iat: now() + 61 }), K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "nbf in the future just beyond skew",
        () => hlsKey(KID.hs, hs256(H, claims(KID.hs, { nbf: now() + 61 }), K1)),
        401,
        "TOKEN_NOT_YET_VALID",
      ],
      [
        "exp - now over the cap + skew, no iat",
        () => hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs, exp: now() + DAY + 61 }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "exp ten years ahead, no iat",
        () => hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs, exp: now() + TEN_YEARS }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "RS256 with exp ten years ahead, iat a minute before exp",
        () =>
          hlsKey(
            KID.rs,
            rs256(
              { alg: "RS256" },
              { iss: ISS, aud: AUD, iat: now() + TEN_YEARS - 60, exp: now() + TEN_YEARS },
              rsaA.keyPem,
            ),
          ),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "missing required content key identifier claim",
        () => hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, exp: now() + 600 }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "missing required claim (present-only)",
        () => hlsKey(KID.claims, hs256(H, { iss: ISS, aud: AUD, exp: now() + 600, tier: "gold" }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "required claim with the wrong value",
        () =>
          hlsKey(KID.claims, hs256(H, { iss: ISS, aud: AUD, exp: now() + 600, tier: "silver", entitled: true }, K1)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      ["KID mismatch", () => hlsKey(KID.hs2, hs256(H, claims(KID.hs), K1)), 403, "TOKEN_KID_MISMATCH"],
      [
        "unknown crit",
        () =>
          hlsKey(KID.hs, hs256({ ...H, crit: ["urn:example:unknown"], "urn:example:unknown": 1 }, claims(KID.hs), K1)),
        401,
        "TOKEN_UNSUPPORTED",
      ],
      [
        "non-canonical base64url payload",
        () => {
          const [h, p, s] = hs256(H, claims(KID.hs), K1).split(".");
          return hlsKey(KID.hs, `${h}.${p}=.${s}`);
        },
        401,
      ],
      [
        "SWT with a bad MAC",
        () =>
          hlsKey(KID.swt, swt({ [CKI]: KID.swt, Audience: AUD, ExpiresOn: String(now() + 600), Issuer: ISS }, KWRONG)),
        401,
        "TOKEN_INVALID",
      ],
      [
        "SWT with a tampered claim",
        () => {
          const t = swt({ [CKI]: KID.swt, Audience: AUD, ExpiresOn: String(now() + 600), Issuer: ISS }, K3);
          return hlsKey(KID.swt, t.replace(/ExpiresOn=\d+/, `ExpiresOn=${now() + 99999}`));
        },
        401,
        "TOKEN_INVALID",
      ],
      [
        "expired SWT",
        () => hlsKey(KID.swt, swt({ Audience: AUD, ExpiresOn: String(now() - 600), Issuer: ISS }, K3)),
        401,
        "TOKEN_EXPIRED",
      ],
      [
        "SWT with ExpiresOn ten years ahead (over the cap)",
        () => hlsKey(KID.swt, swt({ Audience: AUD, ExpiresOn: String(now() + TEN_YEARS), Issuer: ISS }, K3)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      [
        "SWT with ExpiresOn - now over the cap + skew",
        () => hlsKey(KID.swt, swt({ Audience: AUD, ExpiresOn: String(now() + DAY + 61), Issuer: ISS }, K3)),
        401,
        "TOKEN_CLAIM_INVALID",
      ],
      ["JWT to a SWT-only policy", () => hlsKey(KID.swt, hs256(H, claims(KID.swt), K3)), 401],
      [
        "unreachable OpenID Connect discovery document",
        () => hlsKey(KID.oidcDown, rs256({ alg: "RS256" }, { iss: ISS, aud: AUD, exp: now() + 600 }, rsaA.keyPem)),
        503,
        "OIDC_UNAVAILABLE",
      ],
      ["policy without a ClearKey option", () => hlsKey(KID.wv), 403, "KEY_NOT_AUTHORIZED"],
      ["KID governed by no policy", () => hlsKey(KID.none), 403, "KEY_NOT_AUTHORIZED"],
      ["malformed KID in the HLS path", () => hlsKey("not-a-kid"), 400, "KID_INVALID"],
      [
        "malformed Authorization header",
        async () => {
          const res = await fetch(`${srv.url}/hls/key/${KID.hs}`, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
          return { status: res.status, code: ((await res.json()) as any).error.code };
        },
        401,
        "TOKEN_MALFORMED",
      ],
    ];
    for (const [name, run, status, code] of cases) {
      it(`${name} -> ${status}${code ? ` ${code}` : ""}`, async () => {
        const r = await run();
        assert.equal(r.status, status);
        if (code) assert.equal(r.code, code);
      });
    }

    it("refuses the issue-14 token (exp ten years ahead, iat a minute before) on every route, with WWW-Authenticate and a clear message", async () => {
      const t = hs256(
        H,
        { iss: ISS, aud: AUD, [CKI]: KID.hs, iat: now() + TEN_YEARS - 60, exp: now() + TEN_YEARS },
        K1,
      );
      const hls = await hlsKey(KID.hs, t);
      assert.equal(hls.status, 401);
      assert.match(hls.res.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.match(JSON.parse(hls.body.toString()).error.message, /iat is in the future/);
      const ck = await clearkey([b64url(kidBytes(KID.hs))], t);
      assert.deepEqual([ck.status, ck.json.error.code], [401, "TOKEN_CLAIM_INVALID"]);
      assert.match(ck.res.headers.get("www-authenticate") ?? "", /^Bearer/);
      const noIat = await hlsKey(KID.hs, hs256(H, { iss: ISS, aud: AUD, [CKI]: KID.hs, exp: now() + TEN_YEARS }, K1));
      assert.match(JSON.parse(noIat.body.toString()).error.message, /expires more than 86400 s from now/);
      // Ten years later the clock agrees with its iat: by then it expires in a minute, and is accepted like any other.
      const saved = srv.clock.now;
      try {
        srv.clock.now += (TEN_YEARS - 60) * 1000;
        assert.equal((await hlsKey(KID.hs, t)).status, 200);
      } finally {
        srv.clock.now = saved;
      }
    });

    it("puts WWW-Authenticate: Bearer on every 401", async () => {
      const r = await hlsKey(KID.hs, hs256(H, claims(KID.hs), KWRONG));
      assert.equal(r.status, 401);
      assert.match(r.res.headers.get("www-authenticate") ?? "", /^Bearer/);
      const ok = await hlsKey(KID.open);
      assert.equal(ok.res.headers.get("www-authenticate"), null);
    });

    it("refuses malformed base64url KIDs in ClearKey requests with 400", async () => {
      const good = b64url(kidBytes(KID.hs));
      // 22 chars carry 132 bits for 128: changing the last character's spare bits decodes to the same bytes.
      const nonCanonical = good.slice(0, 21) + String.fromCharCode(good.charCodeAt(21) + 1);
      assert.deepEqual(Buffer.from(nonCanonical, "base64url"), kidBytes(KID.hs));
      const t = hs256(H, claims(KID.hs), K1);
      for (const bad of [nonCanonical, good + "==", good.slice(0, 20), "ASNFZ4mrze8BI0VniavN7+", KID.hs, 42]) {
        const r = await clearkey([bad as string], t);
        assert.equal(r.status, 400, `KID ${String(bad)}`);
        assert.equal(r.json.error.code, "KID_INVALID");
      }
    });

    it("refuses malformed ClearKey bodies with 400 and oversized ones with 413", async () => {
      const t = hs256(H, claims(KID.hs), K1);
      assert.equal((await clearkey([], t, new TextEncoder().encode("{not json"))).status, 400);
      assert.equal((await clearkey([], t, new TextEncoder().encode(JSON.stringify({ kids: [] })))).status, 400);
      assert.equal(
        (
          await clearkey(
            [],
            t,
            new TextEncoder().encode(JSON.stringify({ kids: [b64url(kidBytes(KID.hs))], type: "persistent-license" })),
          )
        ).status,
        400,
      );
      const big = new TextEncoder().encode(
        JSON.stringify({ kids: [b64url(kidBytes(KID.hs))], pad: "x".repeat(70 * 1024) }),
      );
      const r = await clearkey([], t, big);
      assert.equal(r.status, 413);
    });
  });

  describe("the same token again (verified-token cache, on by default)", () => {
    it("keeps every rule: other KIDs, expiry and the policy's key requirements still refuse it", async () => {
      const kid = b64url(kidBytes(KID.hs));
      const t = hs256(H, claims(KID.hs), K1);
      for (let i = 0; i < 3; i++) {
        const r = await clearkey([kid], t);
        assert.equal(r.status, 200, `request ${i + 1}`);
        assert.equal(r.json.keys[0].k, b64url(seed.contentKey(kidBytes(KID.hs))));
      }
      assert.equal((await hlsKey(KID.hs, t)).status, 200, "the HLS route answers from the same verification");
      const other = await hlsKey(KID.hs2, t);
      assert.deepEqual(
        [other.status, other.code],
        [403, "TOKEN_KID_MISMATCH"],
        "bound to one KID, asked for its sibling",
      );
      const both = await clearkey([kid, b64url(kidBytes(KID.hs2))], t);
      assert.equal(both.status, 403, "one bound KID among two is not enough");
      assert.equal((await hlsKey(KID.claims, t)).status, 401, "another policy's restriction never reuses it");
      const saved = srv.clock.now;
      try {
        srv.clock.now += 700_000; // past exp (600 s) + the 60 s skew
        const late = await clearkey([kid], t);
        assert.deepEqual([late.status, late.json.error.code], [401, "TOKEN_EXPIRED"]);
      } finally {
        srv.clock.now = saved;
      }
    });
  });

  describe("maxuses", () => {
    it("counts uses and refuses once exhausted (403)", async () => {
      const t = hs256(H, claims(KID.hs, { [MAXUSES]: 2, jti: "m1" }), K1);
      assert.equal((await hlsKey(KID.hs, t)).status, 200);
      assert.equal((await hlsKey(KID.hs, t)).status, 200);
      const third = await hlsKey(KID.hs, t);
      assert.equal(third.status, 403);
      assert.equal(third.code, "TOKEN_USES_EXHAUSTED");
    });
    it("gives a re-encoded signature no extra uses: non-canonical base64url is refused outright", async () => {
      const t = hs256(H, claims(KID.hs, { [MAXUSES]: 1, jti: "m2" }), K1);
      const [h, p, s] = t.split(".") as [string, string, string];
      // 32 signature bytes = 43 base64url chars with 2 spare bits in the last one.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(s[42]!);
      const reenc = `${h}.${p}.${s.slice(0, 42)}${alphabet[last ^ 1]}`;
      assert.notEqual(reenc, t);
      assert.deepEqual(
        Buffer.from(reenc.split(".")[2]!, "base64url"),
        Buffer.from(s, "base64url"),
        "same signature bytes",
      );
      assert.equal((await hlsKey(KID.hs, t)).status, 200);
      const again = await hlsKey(KID.hs, reenc);
      assert.equal(again.status, 401);
      assert.equal(again.code, "TOKEN_MALFORMED");
      assert.equal((await hlsKey(KID.hs, t)).status, 403);
    });
    it("counts a SWT's uses too", async () => {
      const t = swt({ [MAXUSES]: "1", Audience: AUD, ExpiresOn: String(now() + 600), Issuer: ISS }, K3);
      assert.equal((await hlsKey(KID.swt, t)).status, 200);
      assert.equal((await hlsKey(KID.swt, t)).status, 403);
    });
  });

  it("never writes tokens or keys to logs or error bodies", async () => {
    srv.logs.length = 0;
    const t = hs256(H, claims(KID.hs), K1);
    const bad = hs256(H, claims(KID.hs), KWRONG);
    const ok = await hlsKey(KID.hs, t);
    const err = await hlsKey(KID.hs, bad);
    const key = seed.contentKey(kidBytes(KID.hs));
    const all = srv.logs.join("\n") + err.body.toString();
    assert.ok(srv.logs.length >= 2);
    for (const secret of [
      t,
      bad,
      t.split(".")[2]!,
      bad.split(".")[2]!,
      key.toString("hex"),
      key.toString("base64url"),
      key.toString("base64"),
      K1.toString("base64"),
    ]) {
      assert.ok(!all.includes(secret), "a secret leaked into logs or the error body");
    }
    assert.equal(ok.status, 200);
  });
});
