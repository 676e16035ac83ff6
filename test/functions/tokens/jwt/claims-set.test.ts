/**
 * The HS256 claims set check (functions/tokens/jwt/claims-set.ts) against jose's own, the independent oracle: every
 * payload below is judged by `validateClaimsSet` and by jose's `UnsecuredJWT.decode` with the same options (what
 * `jwtVerify` runs after the signature), and both must accept the same claims set or throw the same error class with
 * the same claim, reason and message.
 */
import assert from "node:assert/strict";
import { errors, UnsecuredJWT } from "jose";
import { validateClaimsSet } from "../../../../functions/tokens/jwt/claims-set";

const b64u = (s: string | Buffer) => (typeof s === "string" ? Buffer.from(s, "utf8") : s).toString("base64url");
const NONE = b64u(JSON.stringify({ alg: "none" }));

type Verdict =
  | { ok: true; payload: unknown }
  | { ok: false; kind: string; message: string; claim?: string; reason?: string };

function verdict(run: () => unknown): Verdict {
  try {
    return { ok: true, payload: run() };
  } catch (e) {
    assert.ok(e instanceof errors.JOSEError, `expected a jose error, got ${String(e)}`);
    const c = e as errors.JWTClaimValidationFailed;
    return {
      ok: false,
      kind: e.constructor.name,
      message: e.message,
      ...(c.claim === undefined ? {} : { claim: c.claim, reason: c.reason }),
    };
  }
}

describe("tokens/jwt claims set agrees with jose's validateClaimsSet", () => {
  const now = 1_800_000_000_000;
  const t = (s: number) => Math.floor(now / 1000) + s;
  const good = { iss: "https://issuer", aud: "urn:player", exp: t(300), iat: t(-10) };
  const json = (o: unknown) => b64u(JSON.stringify(o));
  const payloads: [string, string][] = [
    ["valid", json(good)],
    ["valid with nbf now and extra claims", json({ ...good, nbf: t(0), sub: "v", x: [1, { y: null }] })],
    ["audience array containing ours", json({ ...good, aud: ["x", "urn:player"] })],
    ["audience array without ours", json({ ...good, aud: ["x", "y"] })],
    ["audience empty array", json({ ...good, aud: [] })],
    ["audience a number", json({ ...good, aud: 7 })],
    ["audience an object", json({ ...good, aud: { a: "urn:player" } })],
    ["audience differs in case", json({ ...good, aud: "URN:player" })],
    ["missing iss", json({ aud: "urn:player", exp: t(300) })],
    ["missing aud", json({ iss: "https://issuer", exp: t(300) })],
    ["missing exp", json({ iss: "https://issuer", aud: "urn:player" })],
    ["missing everything", json({})],
    ["iss null", json({ ...good, iss: null })],
    ["iss array", json({ ...good, iss: ["https://issuer"] })],
    ["wrong iss", json({ ...good, iss: "https://evil" })],
    ["exp a string", json({ ...good, exp: "soon" })],
    ["exp null", json({ ...good, exp: null })],
    ["exp just inside the tolerance", json({ ...good, exp: t(-59) })],
    ["exp exactly at the tolerance", json({ ...good, exp: t(-60) })],
    ["exp beyond the tolerance", json({ ...good, exp: t(-600) })],
    ["exp fractional", json({ ...good, exp: t(300) + 0.5 })],
    ["nbf within the tolerance", json({ ...good, nbf: t(60) })],
    ["nbf beyond the tolerance", json({ ...good, nbf: t(61) })],
    ["nbf a string", json({ ...good, nbf: "later" })],
    ["iat a string", json({ ...good, iat: "now" })],
    ["iat null", json({ ...good, iat: null })],
    ["iat far in the future (jose: no check without maxTokenAge)", json({ ...good, iat: t(86_400) })],
    ["iat and nbf both wrong: iat first", json({ ...good, iat: "x", nbf: "y" })],
    ["nbf wrong and exp expired: nbf first", json({ ...good, nbf: t(600), exp: t(-600) })],
    ["missing iss and wrong aud: presence first", json({ aud: "nope", exp: t(300) })],
    [
      "duplicate key, last wins",
      b64u(`{"iss":"https://evil","iss":"https://issuer","aud":"urn:player","exp":${t(300)}}`),
    ],
    ["__proto__ key", b64u(`{"__proto__":{"x":1},"iss":"https://issuer","aud":"urn:player","exp":${t(300)}}`)],
    ["leading UTF-8 BOM", b64u(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(good))]))],
    ["invalid UTF-8", b64u(Buffer.concat([Buffer.from('{"iss":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]))],
    ["non-ASCII claims", json({ ...good, sub: "zoë 😀" })],
    ["not JSON", b64u("not json")],
    ["empty", ""],
    ["a JSON array", json([1, 2])],
    ["a JSON string", json("x")],
    ["a JSON number", json(5)],
    ["JSON null", json(null)],
    ["trailing garbage", b64u(`${JSON.stringify(good)}x`)],
  ];
  const optionSets = [
    { issuer: "https://issuer", audience: "urn:player", requiredClaims: ["exp"], clockTolerance: 60 },
    { issuer: "https://issuer", audience: "urn:player", requiredClaims: ["exp", "sub", "iss"], clockTolerance: 0 },
  ];

  for (const [name, segment] of payloads) {
    it(`${name}: same verdict as jose`, () => {
      for (const o of optionSets) {
        const opts = { ...o, currentDate: new Date(now) };
        const ours = verdict(() => validateClaimsSet(segment, opts));
        const jose = verdict(() => UnsecuredJWT.decode(`${NONE}.${segment}.`, opts).payload);
        assert.deepEqual(ours, jose);
      }
    });
  }

  it("covers acceptance and each refusal kind (the table is not all one verdict)", () => {
    const opts = { ...optionSets[0]!, currentDate: new Date(now) };
    const kinds = new Set(
      payloads.map(([, s]) => verdict(() => validateClaimsSet(s, opts))).map((v) => (v.ok ? "ok" : v.kind)),
    );
    assert.deepEqual([...kinds].sort(), ["JWTClaimValidationFailed", "JWTExpired", "JWTInvalid", "ok"]);
  });
});
