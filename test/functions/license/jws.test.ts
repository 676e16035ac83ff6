import { strict as assert } from "node:assert";
import { jwtVerify } from "jose";
import { KeyplaneError } from "../../../functions/errors";
import { signCompactHmac, signJwtHmac } from "../../../functions/license/jws";

describe("license/jws: compact HMAC JWS", () => {
  it("reproduces RFC 7515 Appendix A.1 (JWS using HMAC SHA-256) exactly", () => {
    // RFC 7515 A.1: the header octets include CR LF and a space; the key is the JWK `k` of A.1.
    const header = Buffer.from([123, 34, 116, 121, 112, 34, 58, 34, 74, 87, 84, 34, 44, 13, 10, 32, 34, 97, 108, 103, 34, 58, 34, 72, 83, 50, 53, 54, 34, 125]);
    const payload = Buffer.from([
      123, 34, 105, 115, 115, 34, 58, 34, 106, 111, 101, 34, 44, 13, 10, 32, 34, 101, 120, 112, 34, 58, 49, 51, 48, 48, 56, 49, 57, 51, 56, 48, 44, 13, 10,
      32, 34, 104, 116, 116, 112, 58, 47, 47, 101, 120, 97, 109, 112, 108, 101, 46, 99, 111, 109, 47, 105, 115, 95, 114, 111, 111, 116, 34, 58, 116, 114,
      117, 101, 125,
    ]);
    const key = Buffer.from("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow", "base64url");
    const expected =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
      "." +
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
      "." +
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert.equal(signCompactHmac("HS256", header, payload, key), expected);
  });

  it("HS384 and HS512 tokens verify with jose (an independent implementation)", async () => {
    for (const [alg, len] of [["HS384", 48], ["HS512", 64]] as const) {
      const key = Buffer.alloc(len, 7);
      const jwt = signJwtHmac(alg, { typ: "JWT" }, { sub: "x", exp: Math.floor(Date.now() / 1000) + 60 }, key);
      const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: [alg] });
      assert.equal(payload.sub, "x");
      assert.equal(protectedHeader.alg, alg);
    }
  });

  it("refuses keys shorter than the hash output (RFC 7518 §3.2)", () => {
    assert.throws(() => signCompactHmac("HS256", "{}", "{}", Buffer.alloc(31)), (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID");
    assert.throws(() => signCompactHmac("HS512", "{}", "{}", Buffer.alloc(32)), (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID");
  });
});
