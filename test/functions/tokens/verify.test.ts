/**
 * verifyViewerToken called directly (the API the license proxy uses), with the RFC 7515 Appendix A.1 known answer.
 */
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { compactVerify } from "jose";
import { importVerificationKey } from "../../../functions/tokens/keys";
import { verifyViewerToken, recallVerifiedToken } from "../../../functions/tokens/verify";
import { extractToken } from "../../../functions/tokens/extract";
import { clampSkew, MAX_CLOCK_SKEW_SECONDS } from "../../../functions/tokens/claims";
import { MemoryUseCounter } from "../../../functions/tokens/counter";
import { tokenRestrictionSchema, type TokenRestriction } from "../../../functions/policy/model";
import { KeyplaneError } from "../../../functions/errors";

// RFC 7515 (JWS) Appendix A.1: "Example JWS Using HMAC SHA-256" — the published compact serialization and JWK key.
const RFC7515_A1_JWS =
  "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
  ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
  ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7515_A1_K = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
/** The payload bytes as printed in RFC 7515 A.1 (with its CRLFs). */
const RFC7515_A1_PAYLOAD = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
const RFC7515_A1_EXP_MS = 1300819380 * 1000;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof KeyplaneError, `expected a KeyplaneError, got ${String(e)}`);
    return `${e.status} ${e.code}`;
  }
  return "ok";
}

describe("verifyViewerToken", () => {
  const a1Restriction: TokenRestriction = tokenRestrictionSchema.parse({
    type: "Token",
    issuer: "joe",
    audience: "urn:any",
    tokenType: "Jwt",
    primaryVerificationKey: { type: "Symmetric", keyValue: Buffer.from(RFC7515_A1_K, "base64url").toString("base64") },
  }) as TokenRestriction;

  describe("RFC 7515 Appendix A.1 known answer", () => {
    it("the imported symmetric key verifies the published JWS signature (HS256)", async () => {
      const imported = await importVerificationKey(a1Restriction.primaryVerificationKey!);
      assert.equal(imported.alg, "HS256");
      const { payload, protectedHeader } = await compactVerify(RFC7515_A1_JWS, imported.key, {
        algorithms: [imported.alg],
      });
      assert.equal(protectedHeader.alg, "HS256");
      assert.equal(Buffer.from(payload).toString("utf8"), RFC7515_A1_PAYLOAD);
    });

    it("the published signature verifies in verifyViewerToken; only the claim rules refuse it (it has no aud)", async () => {
      // The signature passes at any time; the claim rules (aud is required here, and the example has none) then refuse it.
      assert.equal(
        await code(verifyViewerToken(RFC7515_A1_JWS, a1Restriction, { now: RFC7515_A1_EXP_MS - 60_000 })),
        "401 TOKEN_CLAIM_INVALID",
      );
      assert.equal(
        await code(verifyViewerToken(RFC7515_A1_JWS, a1Restriction, { now: Date.now() })),
        "401 TOKEN_CLAIM_INVALID",
      );
      // One changed signature character, or another key, and it is a bad signature instead.
      const tampered = RFC7515_A1_JWS.replace(/\.dB/, ".dC");
      assert.equal(
        await code(verifyViewerToken(tampered, a1Restriction, { now: RFC7515_A1_EXP_MS - 60_000 })),
        "401 TOKEN_INVALID",
      );
      const otherKey = tokenRestrictionSchema.parse({
        ...a1Restriction,
        primaryVerificationKey: { type: "Symmetric", keyValue: randomBytes(32).toString("base64") },
      }) as TokenRestriction;
      assert.equal(
        await code(verifyViewerToken(RFC7515_A1_JWS, otherKey, { now: RFC7515_A1_EXP_MS - 60_000 })),
        "401 TOKEN_INVALID",
      );
    });
  });

  describe("direct API", () => {
    const key = randomBytes(32);
    const r = tokenRestrictionSchema.parse({
      type: "Token",
      issuer: "i",
      audience: "a",
      tokenType: "Jwt",
      primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
    }) as TokenRestriction;
    const b = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const sign = (p: object) => {
      const input = `${b({ alg: "HS256" })}.${b(p)}`;
      return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
    };
    const now = Date.now();
    const t = (s: number) => Math.floor(now / 1000) + s;

    it("returns claims, subject, expiry, the verifying key and a replay id (no token text)", async () => {
      const token = sign({ iss: "i", aud: "a", sub: "viewer", exp: t(60) });
      const v = await verifyViewerToken(token, r, { now });
      assert.equal(v.tokenType, "Jwt");
      assert.equal(v.subject, "viewer");
      assert.equal(v.expiresAt, t(60));
      assert.equal(v.verifiedBy, "primary");
      assert.match(v.replayId, /^jwt:[A-Za-z0-9_-]{43}$/);
      assert.ok(!v.replayId.includes(token.split(".")[2]!));
    });

    it("caps the clock skew at 120 s whatever is configured", async () => {
      assert.equal(clampSkew(1000), MAX_CLOCK_SKEW_SECONDS);
      assert.equal(clampSkew(-5), 0);
      const token = sign({ iss: "i", aud: "a", iat: t(-600), exp: t(-200) });
      assert.equal(await code(verifyViewerToken(token, r, { now, skewSeconds: 1000 })), "401 TOKEN_EXPIRED");
      const justExpired = sign({ iss: "i", aud: "a", iat: t(-600), exp: t(-100) });
      assert.equal(await code(verifyViewerToken(justExpired, r, { now, skewSeconds: 1000 })), "ok");
      assert.equal(await code(verifyViewerToken(justExpired, r, { now, skewSeconds: 0 })), "401 TOKEN_EXPIRED");
    });

    describe("time claims against the clock (issue 14 item 3; RFC 7519 §4.1.4-4.1.6)", () => {
      // r has the default maxTokenLifetimeSeconds (24 h); the skew is 60 s unless given.
      const DAY = 86_400;
      const TEN_YEARS = 10 * 365 * DAY;

      it("refuses exp ten years ahead with iat a minute before exp (no nbf): iat is in the future", async () => {
        const token = sign({ iss: "i", aud: "a", iat: t(TEN_YEARS - 60), exp: t(TEN_YEARS) });
        assert.equal(await code(verifyViewerToken(token, r, { now })), "401 TOKEN_CLAIM_INVALID");
        await assert.rejects(verifyViewerToken(token, r, { now }), /iat is in the future/);
        // With maxuses it is refused before a use is counted (no ten-year entry in the counter).
        const counted = sign({
          iss: "i",
          aud: "a",
          iat: t(TEN_YEARS - 60),
          exp: t(TEN_YEARS),
          "urn:microsoft:azure:mediaservices:maxuses": 1,
        });
        const useCounter = new MemoryUseCounter();
        assert.equal(await code(verifyViewerToken(counted, r, { now, useCounter })), "401 TOKEN_CLAIM_INVALID");
        assert.equal(useCounter.size, 0);
      });

      it("iat and nbf: in the future within the skew is accepted, beyond it refused (boundary: > now + skew)", async () => {
        for (const skewSeconds of [0, 60, 120]) {
          const at = (claim: "iat" | "nbf", s: number) =>
            code(verifyViewerToken(sign({ iss: "i", aud: "a", [claim]: t(s), exp: t(600) }), r, { now, skewSeconds }));
          assert.equal(await at("iat", skewSeconds), "ok", `iat at +${skewSeconds} s, skew ${skewSeconds}`);
          assert.equal(
            await at("iat", skewSeconds + 1),
            "401 TOKEN_CLAIM_INVALID",
            `iat at +${skewSeconds + 1} s, skew ${skewSeconds}`,
          );
          assert.equal(await at("nbf", skewSeconds), "ok", `nbf at +${skewSeconds} s, skew ${skewSeconds}`);
          assert.equal(
            await at("nbf", skewSeconds + 1),
            "401 TOKEN_NOT_YET_VALID",
            `nbf at +${skewSeconds + 1} s, skew ${skewSeconds}`,
          );
        }
      });

      it("caps exp - now at maxTokenLifetimeSeconds + skew, with or without iat", async () => {
        const v = (p: object) => code(verifyViewerToken(sign({ iss: "i", aud: "a", ...p }), r, { now }));
        assert.equal(await v({ exp: t(DAY + 60) }), "ok", "no iat: exactly the cap + skew");
        assert.equal(await v({ exp: t(DAY + 61) }), "401 TOKEN_CLAIM_INVALID", "no iat: one second over");
        assert.equal(await v({ exp: t(TEN_YEARS) }), "401 TOKEN_CLAIM_INVALID", "no iat: ten years");
        assert.equal(await v({ iat: t(60), exp: t(DAY + 60) }), "ok", "iat within the skew, lifetime exactly the cap");
        assert.equal(
          await v({ iat: t(0), exp: t(DAY + 1) }),
          "401 TOKEN_CLAIM_INVALID",
          "stated lifetime exp - iat over the cap",
        );
        await assert.rejects(
          verifyViewerToken(sign({ iss: "i", aud: "a", exp: t(TEN_YEARS) }), r, { now }),
          /expires more than 86400 s from now/,
        );
      });

      it("a SWT's ExpiresOn - now is capped the same way", async () => {
        const rs = tokenRestrictionSchema.parse({
          type: "Token",
          issuer: "i",
          audience: "a",
          tokenType: "Swt",
          primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
          maxTokenLifetimeSeconds: 3600,
        }) as TokenRestriction;
        const swt = (exp: number) => {
          const unsigned = `Audience=a&ExpiresOn=${exp}&Issuer=i`;
          return `${unsigned}&HMACSHA256=${encodeURIComponent(createHmac("sha256", key).update(unsigned).digest("base64"))}`;
        };
        assert.equal(await code(verifyViewerToken(swt(t(3600 + 60)), rs, { now })), "ok");
        assert.equal(await code(verifyViewerToken(swt(t(3600 + 61)), rs, { now })), "401 TOKEN_CLAIM_INVALID");
        assert.equal(await code(verifyViewerToken(swt(t(TEN_YEARS)), rs, { now })), "401 TOKEN_CLAIM_INVALID");
      });
    });

    it("fails closed on a maxuses token without a counter, counts with one", async () => {
      const token = sign({ iss: "i", aud: "a", exp: t(60), "urn:microsoft:azure:mediaservices:maxuses": 1 });
      assert.equal(await code(verifyViewerToken(token, r, { now })), "500 USE_COUNTER_MISSING");
      const useCounter = new MemoryUseCounter();
      assert.equal(await code(verifyViewerToken(token, r, { now, useCounter })), "ok");
      assert.equal(await code(verifyViewerToken(token, r, { now, useCounter })), "403 TOKEN_USES_EXHAUSTED");
    });

    it("refuses malformed maxuses and content key identifier claims", async () => {
      for (const bad of [0, -1, 1.5, "x", 10_000_000]) {
        const token = sign({ iss: "i", aud: "a", exp: t(60), "urn:microsoft:azure:mediaservices:maxuses": bad });
        assert.equal(
          await code(verifyViewerToken(token, r, { now, useCounter: new MemoryUseCounter() })),
          "401 TOKEN_CLAIM_INVALID",
          String(bad),
        );
      }
      const token = sign({
        iss: "i",
        aud: "a",
        exp: t(60),
        "urn:microsoft:azure:mediaservices:contentkeyidentifier": "not-a-kid",
      });
      assert.equal(await code(verifyViewerToken(token, r, { now, kid: Buffer.alloc(16) })), "401 TOKEN_CLAIM_INVALID");
    });

    it("remembers a verified token for verifiedTokenCacheSeconds (0 = re-verify the signature every time); entries never outlive the token", async () => {
      // Observable through the restriction: swap its key after the first verification. A cache hit still accepts the
      // token (its signature was verified under this restriction); with the cache off the new key refuses it.
      const mk = () =>
        tokenRestrictionSchema.parse({
          type: "Token",
          issuer: "i",
          audience: "a",
          tokenType: "Jwt",
          primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
        }) as TokenRestriction;
      const other = { type: "Symmetric" as const, keyValue: randomBytes(32).toString("base64") };
      const token = sign({ iss: "i", aud: "a", exp: t(120) });

      const cached = mk();
      assert.equal(await code(verifyViewerToken(token, cached, { now })), "ok");
      cached.primaryVerificationKey = other;
      assert.equal(await code(verifyViewerToken(token, cached, { now })), "ok");
      // An entry never outlives the token: past exp (+ skew) the signature is checked again, and the new key refuses it.
      assert.equal(await code(verifyViewerToken(token, cached, { now: now + 300_000 })), "401 TOKEN_INVALID");

      const uncached = mk();
      assert.equal(await code(verifyViewerToken(token, uncached, { now, verifiedTokenCacheSeconds: 0 })), "ok");
      uncached.primaryVerificationKey = other;
      assert.equal(
        await code(verifyViewerToken(token, uncached, { now, verifiedTokenCacheSeconds: 0 })),
        "401 TOKEN_INVALID",
      );
    });

    it("recallVerifiedToken answers without waiting only where verifyViewerToken would certainly accept", async () => {
      const mk = () =>
        tokenRestrictionSchema.parse({
          type: "Token",
          issuer: "i",
          audience: "a",
          tokenType: "Jwt",
          primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
        }) as TokenRestriction;
      const kidA = randomBytes(16);
      const kidB = randomBytes(16);
      const bound = sign({
        iss: "i",
        aud: "a",
        sub: "v",
        exp: t(120),
        "urn:microsoft:azure:mediaservices:contentkeyidentifier": kidA.toString("hex"),
      });
      const rr = mk();
      assert.equal(
        recallVerifiedToken(bound, rr, { now, kid: kidA }),
        undefined,
        "nothing before the first full verification",
      );
      const full = await verifyViewerToken(bound, rr, { now, kid: kidA });
      const hit = recallVerifiedToken(bound, rr, { now, kid: kidA });
      assert.deepEqual(hit, full, "the same result as the full check");
      assert.notEqual(hit, recallVerifiedToken(bound, rr, { now, kid: kidA }), "a copy each time");
      // Every case the full check refuses, or must count, is left to it.
      assert.equal(recallVerifiedToken(bound, rr, { now, kid: kidB }), undefined, "another KID");
      assert.equal(await code(verifyViewerToken(bound, rr, { now, kid: kidB })), "403 TOKEN_KID_MISMATCH");
      assert.equal(
        recallVerifiedToken(bound, rr, { now, kid: kidA, kids: [kidB] }),
        undefined,
        "one of several KIDs unbound",
      );
      assert.equal(recallVerifiedToken(bound, rr, { now: now + 300_000, kid: kidA }), undefined, "past exp + skew");
      assert.equal(
        recallVerifiedToken(bound, rr, { now, kid: kidA, verifiedTokenCacheSeconds: 0 }),
        undefined,
        "cache off",
      );
      assert.equal(
        recallVerifiedToken(bound, mk(), { now, kid: kidA }),
        undefined,
        "another restriction object (a policy reload)",
      );
      // A re-encoded signature (same bytes, other text) is not the cached token.
      const [h, p, sg] = bound.split(".") as [string, string, string];
      assert.equal(recallVerifiedToken(`${h}.${p}.${sg}=`, rr, { now, kid: kidA }), undefined);
      // A maxuses token verifies, but each use must be counted: never answered from here.
      const counted = sign({ iss: "i", aud: "a", exp: t(120), "urn:microsoft:azure:mediaservices:maxuses": 5 });
      assert.equal(await code(verifyViewerToken(counted, rr, { now, useCounter: new MemoryUseCounter() })), "ok");
      assert.equal(recallVerifiedToken(counted, rr, { now }), undefined);
    });

    it("recallVerifiedToken never accepts what the full check refuses, whichever way the clock moves (iat, nbf, exp, exp - now cap)", async () => {
      // Tokens verified once at `now`, then asked about at other times (a clock stepped back by NTP, or forward).
      // The judge is verifyViewerToken with the cache off on the same restriction: a full check of the signature and
      // every claim at that time.
      const rr = tokenRestrictionSchema.parse({
        type: "Token",
        issuer: "i",
        audience: "a",
        tokenType: "Jwt",
        primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
        maxTokenLifetimeSeconds: 3600,
      }) as TokenRestriction;
      const tokens = {
        "iat within the skew": sign({ iss: "i", aud: "a", iat: t(50), exp: t(600) }),
        "nbf within the skew": sign({ iss: "i", aud: "a", nbf: t(50), exp: t(600) }),
        "no iat, exp at the cap + skew": sign({ iss: "i", aud: "a", exp: t(3600 + 60) }),
        "iat now, exp at the cap": sign({ iss: "i", aud: "a", iat: t(0), exp: t(3600) }),
        "short-lived": sign({ iss: "i", aud: "a", iat: t(-30), exp: t(30) }),
      };
      for (const token of Object.values(tokens)) assert.equal(await code(verifyViewerToken(token, rr, { now })), "ok");
      let hits = 0;
      let refusals = 0;
      for (const [name, token] of Object.entries(tokens)) {
        for (const dt of [
          -7200, -3600, -600, -121, -120, -61, -60, -11, -10, -1, 0, 1, 29, 30, 89, 90, 91, 599, 660, 661,
        ]) {
          const at = now + dt * 1000;
          const hit = recallVerifiedToken(token, rr, { now: at });
          const full = await code(verifyViewerToken(token, rr, { now: at, verifiedTokenCacheSeconds: 0 }));
          if (hit) {
            hits++;
            assert.equal(full, "ok", `${name} at ${dt} s: recalled, but the full check says ${full}`);
          }
          if (full !== "ok") refusals++;
        }
      }
      assert.ok(hits > 0 && refusals > 0, "both sides of the rule are exercised");
      // The named cases: iat / nbf / exp - now over the limits once the clock is 61 s behind.
      assert.equal(
        recallVerifiedToken(tokens["iat within the skew"], rr, { now: now - 11_000 }),
        undefined,
        "iat 61 s ahead",
      );
      assert.equal(
        recallVerifiedToken(tokens["nbf within the skew"], rr, { now: now - 11_000 }),
        undefined,
        "nbf 61 s ahead",
      );
      assert.equal(
        recallVerifiedToken(tokens["no iat, exp at the cap + skew"], rr, { now: now - 1000 }),
        undefined,
        "exp - now one second over the cap + skew",
      );
    });

    it("a token refused on its claims is not remembered as verified", async () => {
      const r2 = tokenRestrictionSchema.parse({
        type: "Token",
        issuer: "i",
        audience: "a",
        tokenType: "Jwt",
        primaryVerificationKey: { type: "Symmetric", keyValue: key.toString("base64") },
        requiredClaims: [{ claimType: "tier", claimValue: "gold" }],
      }) as TokenRestriction;
      const token = sign({ iss: "i", aud: "a", exp: t(120), tier: "silver" });
      assert.equal(await code(verifyViewerToken(token, r2, { now })), "401 TOKEN_CLAIM_INVALID");
      assert.equal(await code(verifyViewerToken(token, r2, { now })), "401 TOKEN_CLAIM_INVALID");
    });

    it("refuses an empty token and more than three segments", async () => {
      assert.equal(await code(verifyViewerToken("", r, { now })), "401 TOKEN_MISSING");
      assert.equal(await code(verifyViewerToken("a.b.c.d", r, { now })), "401 TOKEN_MALFORMED");
    });
  });

  describe("extractToken", () => {
    const req = (h: Record<string, string>, q: Record<string, string> = {}) => ({
      header: (n: string) => h[n.toLowerCase()],
      query: (n: string) => q[n],
    });
    it("reads Authorization: Bearer, Bearer= and ?token=, header first", () => {
      assert.equal(extractToken(req({ authorization: "Bearer abc.def.ghi" })), "abc.def.ghi");
      assert.equal(extractToken(req({ authorization: "bearer   abc" })), "abc");
      assert.equal(extractToken(req({ authorization: "Bearer=a%3Db&c" })), "a%3Db&c");
      assert.equal(extractToken(req({}, { token: "q" })), "q");
      assert.equal(extractToken(req({ authorization: "Bearer h" }, { token: "q" })), "h");
    });
    it("throws 401 TOKEN_MISSING / TOKEN_MALFORMED", () => {
      assert.throws(
        () => extractToken(req({})),
        (e: KeyplaneError) => e.code === "TOKEN_MISSING" && e.status === 401,
      );
      assert.throws(
        () => extractToken(req({ authorization: "Basic x" })),
        (e: KeyplaneError) => e.code === "TOKEN_MALFORMED" && e.status === 401,
      );
      assert.throws(
        () => extractToken(req({ authorization: `Bearer ${"x".repeat(20000)}` })),
        (e: KeyplaneError) => e.code === "TOKEN_MALFORMED",
      );
    });
  });
});
