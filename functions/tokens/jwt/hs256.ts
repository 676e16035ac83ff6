/**
 * HS256 JWT verification on Node's own HMAC. jose 6 verifies HMAC through WebCrypto, which on Node 20 costs many times
 * the CPU of node:crypto's HMAC-SHA256 over the same input (a thread-pool job and several promise hops around
 * `subtle.verify`; figures in docs/performance.md). Key delivery verifies a token on every request, so for symmetric
 * keys:
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
 * The protected header re-encoded with `alg: "none"`: what `validateVerifiedJwt` feeds jose's unsecured-JWT decoder
 * in place of the token's own first segment (callers encode each distinct header once, see verify.ts).
 */
export function unsecuredHeaderSegment(header: Readonly<Record<string, unknown>>): string {
  return Buffer.from(JSON.stringify({ ...header, alg: "none" }), "utf8").toString("base64url");
}

/**
 * Validates the protected header and claims set of a JWS whose signature has already been checked.
 * `unsecuredHeader` is `unsecuredHeaderSegment` of its parsed header; jose throws its own error classes (JWTInvalid,
 * JWTExpired, JWTClaimValidationFailed, JOSENotSupported for an unknown `crit`), which the caller maps.
 */
export function validateVerifiedJwt(
  unsecuredHeader: string,
  payloadSegment: string,
  options: JWTClaimVerificationOptions,
): JWTPayload {
  return UnsecuredJWT.decode(`${unsecuredHeader}.${payloadSegment}.`, options).payload;
}
