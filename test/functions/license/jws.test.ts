import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import { CompactSign, compactVerify, decodeProtectedHeader, jwtVerify } from "jose";
import { KeyplaneError } from "../../../functions/errors";
import { signJwtHmac } from "../../../functions/license/jws";

describe("license/jws: HMAC JWTs signed with jose", () => {
  it("RFC 7515 Appendix A.1 (JWS using HMAC SHA-256): jose with the decoded JWK key verifies the published JWS and re-signs its signing input", async () => {
    // RFC 7515 A.1: the header octets include CR LF and a space; the key is the JWK `k` of A.1.
    const header = Buffer.from([
      123, 34, 116, 121, 112, 34, 58, 34, 74, 87, 84, 34, 44, 13, 10, 32, 34, 97, 108, 103, 34, 58, 34, 72, 83, 50, 53,
      54, 34, 125,
    ]);
    const payload = Buffer.from([
      123, 34, 105, 115, 115, 34, 58, 34, 106, 111, 101, 34, 44, 13, 10, 32, 34, 101, 120, 112, 34, 58, 49, 51, 48, 48,
      56, 49, 57, 51, 56, 48, 44, 13, 10, 32, 34, 104, 116, 116, 112, 58, 47, 47, 101, 120, 97, 109, 112, 108, 101, 46,
      99, 111, 109, 47, 105, 115, 95, 114, 111, 111, 116, 34, 58, 116, 114, 117, 101, 125,
    ]);
    const key = Buffer.from(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
      "base64url",
    );
    const expected =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
      "." +
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
      "." +
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // The published JWS verifies with the key bytes decoded from `k`, and its payload is the RFC's exact octets.
    const verified = await compactVerify(expected, key, { algorithms: ["HS256"] });
    assert.deepEqual(Buffer.from(verified.payload), payload);
    assert.equal(
      expected.split(".")[0],
      header.toString("base64url"),
      "the RFC's header segment is its exact header octets",
    );
    // jose re-serialises a protected header with JSON.stringify (no CR LF), so it cannot emit the RFC's header octets;
    // over its own header and the RFC's exact payload octets, its signature is the HMAC the RFC specifies.
    const ours = await new CompactSign(payload).setProtectedHeader({ typ: "JWT", alg: "HS256" }).sign(key);
    const [h, p, sig] = ours.split(".") as [string, string, string];
    assert.equal(p, expected.split(".")[1], "payload octets unchanged");
    assert.equal(sig, createHmac("sha256", key).update(`${h}.${p}`, "ascii").digest("base64url"));
  });

  it("HS384 and HS512 tokens verify with jose (an independent implementation)", async () => {
    for (const [alg, len] of [
      ["HS384", 48],
      ["HS512", 64],
    ] as const) {
      const key = Buffer.alloc(len, 7);
      const jwt = await signJwtHmac(alg, { typ: "JWT" }, { sub: "x", exp: Math.floor(Date.now() / 1000) + 60 }, key);
      const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: [alg] });
      assert.equal(payload.sub, "x");
      assert.equal(protectedHeader.alg, alg);
    }
  });

  it("writes alg first, then the caller's header members in order; a caller's alg cannot override", async () => {
    const key = Buffer.alloc(32, 1);
    const jwt = await signJwtHmac("HS256", { kid: "k1", typ: "JWT", alg: "none" }, { a: 1 }, key);
    assert.equal(Buffer.from(jwt.split(".")[0]!, "base64url").toString(), '{"alg":"HS256","kid":"k1","typ":"JWT"}');
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: "HS256", kid: "k1", typ: "JWT" });
  });

  it("refuses keys shorter than the hash output (RFC 7518 §3.2)", async () => {
    await assert.rejects(
      signJwtHmac("HS256", {}, {}, Buffer.alloc(31)),
      (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID",
    );
    await assert.rejects(
      signJwtHmac("HS512", {}, {}, Buffer.alloc(32)),
      (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID",
    );
  });
});
