/**
 * The HS256 path on node:crypto (functions/tokens/hs256.ts) must accept and refuse exactly what jose's own
 * `jwtVerify` accepts and refuses. jose is the independent oracle here: every token below is judged by both.
 */
import assert from "node:assert/strict";
import { createHmac, createSecretKey, randomBytes } from "node:crypto";
import { jwtVerify } from "jose";
import { hs256SignatureMatches } from "../../../../functions/tokens/jwt/hs256";
import { verifyViewerToken } from "../../../../functions/tokens/verify";
import { tokenRestrictionSchema, type TokenRestriction } from "../../../../functions/policy/model";
import { KeyplaneError } from "../../../../functions/errors";

const b = (o: unknown) => Buffer.from(typeof o === "string" ? o : JSON.stringify(o)).toString("base64url");

describe("HS256 on node:crypto agrees with jose jwtVerify", () => {
  const key = randomBytes(32);
  const otherKey = randomBytes(32);
  const restriction = tokenRestrictionSchema.parse({
    type: "Token",
    issuer: "https://issuer",
    audience: "urn:player",
    tokenType: "Jwt",
    primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
    maxTokenLifetimeSeconds: 86_400,
  }) as TokenRestriction;
  const now = Date.now();
  const t = (s: number) => Math.floor(now / 1000) + s;
  const sign = (header: unknown, payload: unknown, k = key) => {
    const input = `${b(header)}.${b(payload)}`;
    return `${input}.${createHmac("sha256", k).update(input).digest("base64url")}`;
  };
  const good = { iss: "https://issuer", aud: "urn:player", exp: t(300), iat: t(-10) };

  const cases: [string, string][] = [
    ["valid", sign({ alg: "HS256" }, good)],
    ["valid with typ JWT", sign({ alg: "HS256", typ: "JWT" }, good)],
    ["audience array containing ours", sign({ alg: "HS256" }, { ...good, aud: ["x", "urn:player"] })],
    ["wrong key", sign({ alg: "HS256" }, good, otherKey)],
    ["wrong issuer", sign({ alg: "HS256" }, { ...good, iss: "https://evil" })],
    ["wrong audience", sign({ alg: "HS256" }, { ...good, aud: "urn:other" })],
    ["expired beyond skew", sign({ alg: "HS256" }, { ...good, exp: t(-600), iat: t(-900) })],
    ["nbf in the future beyond skew", sign({ alg: "HS256" }, { ...good, nbf: t(600), exp: t(900) })],
    ["missing exp", sign({ alg: "HS256" }, { iss: "https://issuer", aud: "urn:player" })],
    ["exp not a number", sign({ alg: "HS256" }, { ...good, exp: "soon" })],
    ["unknown crit", sign({ alg: "HS256", crit: ["urn:x"], "urn:x": 1 }, good)],
    ["crit not an array", sign({ alg: "HS256", crit: "b64" }, good)],
    ["unencoded payload (b64 false)", sign({ alg: "HS256", crit: ["b64"], b64: false }, good)],
    ["payload not JSON", sign({ alg: "HS256" }, "not json")],
    ["payload a JSON array", sign({ alg: "HS256" }, [1, 2])],
    ["iat in the future", sign({ alg: "HS256" }, { ...good, iat: t(3600) })],
    ["iat in the future beyond skew", sign({ alg: "HS256" }, { ...good, iat: t(61) })],
    ["iat in the future within skew", sign({ alg: "HS256" }, { ...good, iat: t(60) })],
  ];

  for (const [name, token] of cases) {
    it(`${name}: same verdict as jose`, async () => {
      let joseOk: boolean;
      try {
        // maxTokenAge turns on jose's check that iat is not in the future beyond the tolerance ("it should be in the
        // past"), which Keyplane applies to every token (RFC 7519 §4.1.6). It also makes jose require iat, which every
        // token in this table that could otherwise pass carries, and refuses iat older than 24 h (none here).
        await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: "https://issuer",
          audience: "urn:player",
          requiredClaims: ["exp"],
          clockTolerance: 60,
          currentDate: new Date(now),
          crit: {},
          maxTokenAge: 86_400,
        });
        joseOk = true;
      } catch {
        joseOk = false;
      }
      let ours: boolean;
      try {
        await verifyViewerToken(token, restriction, { now, skewSeconds: 60 });
        ours = true;
      } catch (e) {
        assert.ok(e instanceof KeyplaneError && e.status === 401, `expected a 401 KeyplaneError, got ${String(e)}`);
        ours = false;
      }
      assert.equal(ours, joseOk);
    });
  }

  it("the unknown-crit token is refused as unsupported, the unencoded-payload one as malformed", async () => {
    const errCode = async (token: string) =>
      verifyViewerToken(token, restriction, { now }).then(
        () => "ok",
        (e: KeyplaneError) => e.code,
      );
    assert.equal(await errCode(cases.find(([n]) => n === "unknown crit")![1]), "TOKEN_UNSUPPORTED");
    assert.notEqual(await errCode(cases.find(([n]) => n === "unencoded payload (b64 false)")![1]), "ok");
    assert.equal(await errCode(cases.find(([n]) => n === "wrong key")![1]), "TOKEN_INVALID");
  });

  it("hs256SignatureMatches: RFC 7515 A.1 signature matches its key, and nothing of another length or value does", () => {
    // RFC 7515 Appendix A.1 (the published signing input, key and signature).
    const input =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    const k = createSecretKey(
      Buffer.from(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
        "base64url",
      ),
    );
    const sig = Buffer.from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "base64url");
    assert.equal(hs256SignatureMatches(input, sig, k), true);
    assert.equal(hs256SignatureMatches(`${input}x`, sig, k), false);
    assert.equal(hs256SignatureMatches(input, sig.subarray(0, 31), k), false);
    assert.equal(hs256SignatureMatches(input, Buffer.concat([sig, Buffer.alloc(1)]), k), false);
    const flipped = Buffer.from(sig);
    flipped[31]! ^= 1;
    assert.equal(hs256SignatureMatches(input, flipped, k), false);
  });
});
