/**
 * HS256 JWT verification on Node's own HMAC. jose 6 verifies HMAC through WebCrypto, which on Node 20 costs about
 * 135 µs of CPU per token (a thread-pool job and several promise hops around `subtle.verify`); node:crypto's HMAC-SHA256
 * over the same input costs about 5 µs. Key delivery verifies a token on every request, so for symmetric keys:
 *   1. the MAC over `header.payload` is computed with node:crypto and compared in constant time with the decoded
 *      signature bytes (the caller has already refused non-canonical base64url);
 *   2. everything else is still jose's: the protected header (crit, b64) and the claims set (iss, aud, exp, nbf,
 *      required claims, clock tolerance) go through jose's `UnsecuredJWT.decode`, fed the same header with its `alg`
 *      replaced by `none` and the original payload segment. That is the same claims validation `jwtVerify` runs.
 * Asymmetric algorithms (RS256, OIDC JWKS) stay on `jwtVerify`.
 */
import { createHmac, timingSafeEqual, type KeyObject } from "node:crypto";
import { UnsecuredJWT, type JWTClaimVerificationOptions, type JWTPayload } from "jose";

/** True when `sig` is the HMAC-SHA256 of the JWS signing input `${h}.${p}` under `key` (constant-time compare). */
export function hs256SignatureMatches(signingInput: string, sig: Uint8Array, key: KeyObject): boolean {
  if (sig.length !== 32) return false;
  const mac = createHmac("sha256", key).update(signingInput, "latin1").digest();
  return timingSafeEqual(mac, sig);
}

/**
 * Validates the protected header and claims set of a JWS whose signature has already been checked. `headerSegment`
 * is the token's first segment and `header` its parsed JSON; jose throws its own error classes (JWTInvalid,
 * JWTExpired, JWTClaimValidationFailed, JOSENotSupported for an unknown `crit`), which the caller maps.
 */
export function validateVerifiedJwt(headerSegment: string, header: Record<string, unknown>, payloadSegment: string, options: JWTClaimVerificationOptions): JWTPayload {
  return UnsecuredJWT.decode(`${unsecuredHeader(headerSegment, header)}.${payloadSegment}.`, options).payload;
}

/** A deployment sees a handful of distinct headers (`{"alg":"HS256","typ":"JWT"}` and a kid or two): encode each once. */
const UNSECURED_HEADERS_MAX = 64;
const unsecuredHeaders = new Map<string, string>();
function unsecuredHeader(headerSegment: string, header: Record<string, unknown>): string {
  let out = unsecuredHeaders.get(headerSegment);
  if (out === undefined) {
    out = Buffer.from(JSON.stringify({ ...header, alg: "none" }), "utf8").toString("base64url");
    if (unsecuredHeaders.size >= UNSECURED_HEADERS_MAX) unsecuredHeaders.clear();
    unsecuredHeaders.set(headerSegment, out);
  }
  return out;
}
