/**
 * The DRMtoday upfront authorization token against castLabs' published rules (DRMtoday documentation, "License
 * Delivery Authorization" > Token Authorization; castLabs rtc-drm-transform client integration guide, section 4
 * "Upfront authorization tokens"): header alg/kid/typ=JWT, claims jti + iat (required), exp (optional), optData and
 * crt as serialised JSON strings; shared secret given as hex, its bytes are the HMAC key. Verified with jose.
 */
import { strict as assert } from "node:assert";
import { jwtVerify, decodeProtectedHeader } from "jose";
import {
  DRMTODAY_HEADER,
  crtForViewer,
  drmtodayCredential,
  signUpfrontToken,
  upfrontTokenClaims,
} from "../../../functions/license/drmtoday";

// castLabs guide sample: the shared secret "74657374" ("test") repeated 16 times as hex = 64 bytes.
const GUIDE_SECRET_HEX = "74657374".repeat(16);
const GUIDE_SECRET = Buffer.from(GUIDE_SECRET_HEX, "hex");
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("license/drmtoday: x-dt-auth-token", () => {
  for (const alg of ["HS256", "HS384", "HS512"] as const) {
    it(`${alg}: verifies with the shared secret bytes; header and claims as documented`, async () => {
      const t = await signUpfrontToken(
        {
          merchant: "your-merchant-id",
          crt: [{ assetId: "your-asset-id", profile: { purchase: {} } }],
          secretId: "secret-1",
          alg,
          now: Date.now(),
          ttlSeconds: 60,
        },
        GUIDE_SECRET,
      );
      assert.deepEqual(decodeProtectedHeader(t), { alg, kid: "secret-1", typ: "JWT" });
      const { payload } = await jwtVerify(t, GUIDE_SECRET, { algorithms: [alg] });
      assert.equal(typeof payload.jti, "string");
      assert.ok((payload.jti as string).length >= 16);
      assert.equal(typeof payload.iat, "number");
      assert.equal((payload.exp as number) - (payload.iat as number), 60);
      assert.equal(typeof payload.optData, "string", "optData is a serialised JSON object, not an object");
      assert.deepEqual(JSON.parse(payload.optData as string), { merchant: "your-merchant-id" });
      assert.equal(typeof payload.crt, "string", "crt is a serialised JSON array, not an array");
      assert.deepEqual(JSON.parse(payload.crt as string), [{ assetId: "your-asset-id", profile: { purchase: {} } }]);
    });
  }

  it("claims: iat/exp in seconds from now, a fresh jti each time", () => {
    const a = upfrontTokenClaims({
      merchant: "m",
      crt: [{}],
      secretId: "k",
      alg: "HS256",
      now: NOW + 900,
      ttlSeconds: 30,
    });
    const b = upfrontTokenClaims({ merchant: "m", crt: [{}], secretId: "k", alg: "HS256", now: NOW, ttlSeconds: 30 });
    assert.equal(a.iat, NOW / 1000);
    assert.equal(a.exp, NOW / 1000 + 30);
    assert.notEqual(a.jti, b.jti);
  });

  it("puts the token in the x-dt-auth-token header", async () => {
    const h = await drmtodayCredential(
      { merchant: "m", crt: [{ assetId: "a" }], secretId: "k", alg: "HS256", now: NOW, ttlSeconds: 30 },
      GUIDE_SECRET,
    );
    assert.deepEqual(Object.keys(h), [DRMTODAY_HEADER]);
    assert.equal(DRMTODAY_HEADER, "x-dt-auth-token");
  });

  it("crtForViewer sets assetId on every entry without touching the template", () => {
    const template = [{ assetId: "x", profile: { rental: { relativeExpiration: "PT1H" } } }, { assetId: "y" }];
    const out = crtForViewer(template, "movie-7");
    assert.deepEqual(
      out.map((e) => e.assetId),
      ["movie-7", "movie-7"],
    );
    assert.equal(template[0]!.assetId, "x");
    assert.deepEqual(crtForViewer(template, undefined), template);
  });
});
