/**
 * SWT per Microsoft's "Simple Web Token (SWT) Version 0.9.5.1" as used by Azure Media Services token restrictions
 * (learn.microsoft.com: "Simple Web Token", hh781551; AMS "media-services-pass-authentication-tokens"): name/value pairs
 * form-encoded, Audience, ExpiresOn (seconds since 1970 UTC), Issuer, and last `HMACSHA256=` the URL-encoded base64
 * HMAC-SHA256 of everything before `&HMACSHA256=`. The reference tokens here are assembled by hand with node:crypto.
 */
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { issueSwt, parseSwt, swtMacMatches } from "../../../functions/tokens/swt";
import { verifyViewerToken } from "../../../functions/tokens/verify";
import { tokenRestrictionSchema, type TokenRestriction } from "../../../functions/policy/model";

const key = randomBytes(32);
const restriction = tokenRestrictionSchema.parse({
  type: "Token",
  issuer: "http://testissuer",
  audience: "urn:test",
  tokenType: "Swt",
  primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
}) as TokenRestriction;

function handMade(exp: number, k = key): string {
  const unsigned = `urn%3Amicrosoft%3Aazure%3Amediaservices%3Acontentkeyidentifier=0d3c9d6c-2f3b-4a7a-9f5e-1b2c3d4e5f60&Audience=urn%3Atest&ExpiresOn=${exp}&Issuer=http%3A%2F%2Ftestissuer`;
  return `${unsigned}&HMACSHA256=${encodeURIComponent(createHmac("sha256", k).update(unsigned, "utf8").digest("base64"))}`;
}

describe("SWT", () => {
  const now = Date.now();
  const exp = Math.floor(now / 1000) + 600;

  it("verifies a hand-built AMS-format SWT and exposes its claims", async () => {
    const v = await verifyViewerToken(handMade(exp), restriction, {
      now,
      kid: Buffer.from("0d3c9d6c2f3b4a7a9f5e1b2c3d4e5f60", "hex"),
    });
    assert.equal(v.tokenType, "Swt");
    assert.equal(v.expiresAt, exp);
    assert.equal(v.claims.Issuer, "http://testissuer");
    assert.match(v.replayId, /^swt:/);
  });

  it("our issuer writes the same layout: claims, then Audience, ExpiresOn, Issuer, then the MAC", () => {
    const t = issueSwt(
      {
        issuer: "http://testissuer",
        audience: "urn:test",
        expiresOn: exp,
        claims: { "urn:microsoft:azure:mediaservices:contentkeyidentifier": "0d3c9d6c-2f3b-4a7a-9f5e-1b2c3d4e5f60" },
      },
      key,
    );
    assert.equal(t, handMade(exp));
  });

  it("refuses a bad MAC, a non-canonical MAC encoding, repeated parameters and missing ExpiresOn", async () => {
    const code = async (t: string) =>
      verifyViewerToken(t, restriction, { now }).then(
        () => "ok",
        (e) => e.code as string,
      );
    assert.equal(await code(handMade(exp, randomBytes(32))), "TOKEN_INVALID");
    const t = handMade(exp);
    const [unsigned, mac] = t.split("&HMACSHA256=") as [string, string];
    const macText = decodeURIComponent(mac);
    // 32 bytes -> 44 base64 chars ending "=", 2 spare bits in the 43rd char: flip one to get a second encoding of the same bytes.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const alt = macText.slice(0, 42) + alphabet[alphabet.indexOf(macText[42]!) ^ 1] + "=";
    assert.deepEqual(Buffer.from(alt, "base64"), Buffer.from(macText, "base64"));
    assert.equal(await code(`${unsigned}&HMACSHA256=${encodeURIComponent(alt)}`), "TOKEN_MALFORMED");
    const dup = `${unsigned}&Issuer=x`;
    assert.equal(
      await code(`${dup}&HMACSHA256=${encodeURIComponent(createHmac("sha256", key).update(dup).digest("base64"))}`),
      "TOKEN_MALFORMED",
    );
    const noExp = "Audience=urn%3Atest&Issuer=http%3A%2F%2Ftestissuer";
    assert.equal(
      await code(`${noExp}&HMACSHA256=${encodeURIComponent(createHmac("sha256", key).update(noExp).digest("base64"))}`),
      "TOKEN_CLAIM_INVALID",
    );
    assert.equal(await code("Audience=urn%3Atest"), "TOKEN_MALFORMED");
  });

  it("parseSwt + swtMacMatches compare decoded bytes", () => {
    const p = parseSwt(handMade(exp));
    assert.equal(p.mac.length, 32);
    assert.ok(swtMacMatches(p, key));
    assert.ok(!swtMacMatches(p, randomBytes(32)));
  });
});
