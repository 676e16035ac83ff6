/** The token issuer: JWTs checked with jose's own verifier and public keys from node:crypto. */
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { jwtVerify, decodeProtectedHeader, errors } from "jose";
import { createTokenIssuer } from "../../../functions/tokens/issue";
import { decodeCanonicalBase64url } from "../../../functions/encoding/base64url";

describe("createTokenIssuer", () => {
  const now = Date.now();
  for (const alg of ["RS256", "ES256"] as const) {
    it(`signs ${alg} tokens that verify with the public key`, async () => {
      const kp =
        alg === "RS256"
          ? generateKeyPairSync("rsa", { modulusLength: 2048 })
          : generateKeyPairSync("ec", { namedCurve: "P-256" });
      const iss = await createTokenIssuer({
        issuer: "https://me",
        audience: "player",
        signing: { alg, privateKeyPem: kp.privateKey.export({ format: "pem", type: "pkcs8" }).toString(), kid: "k1" },
      });
      const t = await iss.issue("Jwt", {
        subject: "s",
        now,
        kids: [Buffer.alloc(16, 1), Buffer.alloc(16, 2)],
        maxUses: 4,
        claims: { plan: "x" },
      });
      assert.equal(decodeProtectedHeader(t.token).kid, "k1");
      const { payload } = await jwtVerify(t.token, kp.publicKey, {
        algorithms: [alg],
        issuer: "https://me",
        audience: "player",
        currentDate: new Date(now),
      });
      assert.deepEqual(payload["urn:microsoft:azure:mediaservices:contentkeyidentifier"], [
        "01010101-0101-0101-0101-010101010101",
        "02020202-0202-0202-0202-020202020202",
      ]);
      assert.equal(payload["urn:microsoft:azure:mediaservices:maxuses"], 4);
      assert.equal(payload.plan, "x");
      await assert.rejects(iss.issue("Swt", { subject: "s", now }), /HS256/);
    });
  }
  it("enforces lifetime bounds and reserved claims", async () => {
    const iss = await createTokenIssuer({
      issuer: "i",
      audience: "a",
      signing: { alg: "HS256", keyBase64: randomBytes(32).toString("base64") },
      defaultLifetimeSeconds: 60,
      maxLifetimeSeconds: 120,
    });
    const t = await iss.issue("Jwt", { subject: "s", now });
    assert.equal(t.expiresIn, 60);
    await assert.rejects(iss.issue("Jwt", { subject: "s", now, lifetimeSeconds: 121 }), /between 1 and 120/);
    await assert.rejects(iss.issue("Jwt", { subject: "s", now, claims: { exp: 1 } }), /cannot be set/);
    await assert.rejects(
      createTokenIssuer({
        issuer: "i",
        audience: "a",
        signing: { alg: "HS256", keyBase64: randomBytes(16).toString("base64") },
      }),
      /32 bytes/,
    );
    // A token from another key is refused by jose with a signature error.
    await assert.rejects(
      jwtVerify(t.token, randomBytes(32), { algorithms: ["HS256"] }),
      errors.JWSSignatureVerificationFailed,
    );
  });
});

describe("decodeCanonicalBase64url", () => {
  it("accepts canonical unpadded base64url only", () => {
    assert.deepEqual(decodeCanonicalBase64url("AQID"), Buffer.from([1, 2, 3]));
    assert.deepEqual(decodeCanonicalBase64url(""), Buffer.alloc(0));
    // RFC 4648 §3.5: "AQI" is canonical for [1,2]; "AQJ" sets pad bits and decodes to the same bytes.
    assert.deepEqual(decodeCanonicalBase64url("AQI"), Buffer.from([1, 2]));
    assert.equal(decodeCanonicalBase64url("AQJ"), undefined);
    for (const bad of ["AQ==", "AQ+/", "A", "AQ I", "AQ=="])
      assert.equal(decodeCanonicalBase64url(bad), undefined, bad);
  });
});
