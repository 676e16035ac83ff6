/**
 * HS256 JWT verification on Node's own HMAC. jose 6 verifies HMAC through WebCrypto, which on Node 20 costs many times
 * the CPU of node:crypto's HMAC-SHA256 over the same input (a thread-pool job and several promise hops around
 * `subtle.verify`; figures in docs/performance.md). Key delivery verifies a token on every request, so for symmetric
 * keys:
 *   1. the MAC over `header.payload` is computed with node:crypto and compared in constant time with the decoded
 *      signature bytes (the caller has already refused non-canonical base64url);
 *   2. the protected header's checks (crit, b64) are jose's: `UnsecuredJWT.decode` of the same header with its `alg`
 *      replaced by `none` and an empty claims set, once per distinct header (header.ts caches the verdict);
 *   3. the claims set (iss, aud, exp, nbf, iat type, required claims, clock tolerance) is checked by claims-set.ts,
 *      which follows jose's `validateClaimsSet` rule for rule (and is tested against it).
 * Asymmetric algorithms (RS256, OIDC JWKS) stay on `jwtVerify`.
 */
import { createHmac, timingSafeEqual, type KeyObject } from "node:crypto";
import { UnsecuredJWT } from "jose";

/** True when `sig` is the HMAC-SHA256 of the JWS signing input `${h}.${p}` under `key` (constant-time compare). */
export function hs256SignatureMatches(signingInput: string, sig: Uint8Array, key: KeyObject): boolean {
  if (sig.length !== 32) return false;
  const mac = createHmac("sha256", key).update(signingInput, "latin1").digest();
  return timingSafeEqual(mac, sig);
}

/** An empty claims set (`{}`): what the header check feeds jose besides the header. */
const EMPTY_CLAIMS_SEGMENT = Buffer.from("{}", "utf8").toString("base64url");

/**
 * jose's verdict on a protected header (crit, b64), as `jwtVerify` would give it for an HS256 token: the header
 * re-encoded with `alg: "none"` and decoded by `UnsecuredJWT.decode` with an empty claims set and no claim options.
 * Returns the error jose throws (JWTInvalid, JOSENotSupported for an unknown `crit`), or undefined when it passes.
 */
export function joseHeaderError(header: Readonly<Record<string, unknown>>): unknown {
  const unsecured = Buffer.from(JSON.stringify({ ...header, alg: "none" }), "utf8").toString("base64url");
  try {
    UnsecuredJWT.decode(`${unsecured}.${EMPTY_CLAIMS_SEGMENT}.`);
    return undefined;
  } catch (e) {
    return e;
  }
}
