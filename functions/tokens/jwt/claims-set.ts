/**
 * The JWT claims set check of a signature-verified HS256 token, on the token's payload segment: the same rules, in the
 * same order and with the same error classes as jose's `validateClaimsSet` (what `jwtVerify` and
 * `UnsecuredJWT.decode` run), for the options key delivery uses (issuer, audience, required claims, clock tolerance,
 * current date). jose decodes and parses the protected header again and re-encodes the token for that on every call;
 * key delivery checks a token per request, so this runs the claims part directly. The protected header's own checks
 * (crit, b64) stay jose's, run once per distinct header (header.ts). test/functions/tokens/jwt/claims-set.test.ts holds
 * it to jose's verdict on valid and every kind of invalid claims set.
 */
import { errors, type JWTPayload } from "jose";

export interface ClaimsSetOptions {
  issuer: string;
  audience: string;
  requiredClaims: readonly string[];
  /** Seconds, finite and >= 0 (the clamped clock skew). */
  clockTolerance: number;
  currentDate: Date;
}

/** Strict UTF-8 (a malformed payload is refused, not repaired), a leading BOM dropped: jose's decoder. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Object.prototype.toString.call(v) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function numericDate(claims: Record<string, unknown>, claim: string): number | undefined {
  const v = claims[claim];
  if (v === undefined) return undefined;
  if (typeof v !== "number")
    throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, "invalid");
  return v;
}

/**
 * Parses the base64url payload segment (the caller has refused non-canonical base64url) and checks the claims set;
 * throws jose's JWTInvalid, JWTClaimValidationFailed or JWTExpired exactly where jose would.
 */
export function validateClaimsSet(payloadSegment: string, o: ClaimsSetOptions): JWTPayload {
  let claims: unknown;
  try {
    claims = JSON.parse(STRICT_UTF8.decode(Buffer.from(payloadSegment, "base64url")));
  } catch (cause) {
    throw new errors.JWTInvalid("JWT Claims Set must be a top-level JSON object", { cause });
  }
  if (!isPlainObject(claims)) throw new errors.JWTInvalid("JWT Claims Set must be a top-level JSON object");
  // Presence in jose's order: issuer, audience, then the required claims in reverse.
  const presence = new Set(["iss", "aud", ...[...o.requiredClaims].reverse()]);
  for (const claim of presence)
    if (!Object.hasOwn(claims, claim))
      throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, "missing");
  if (claims.iss !== o.issuer)
    throw new errors.JWTClaimValidationFailed('unexpected "iss" claim value', claims, "iss", "check_failed");
  const aud = claims.aud;
  if (!(typeof aud === "string" ? aud === o.audience : Array.isArray(aud) && aud.includes(o.audience)))
    throw new errors.JWTClaimValidationFailed('unexpected "aud" claim value', claims, "aud", "check_failed");
  const now = Math.floor(o.currentDate.getTime() / 1000);
  const tolerance = o.clockTolerance;
  numericDate(claims, "iat");
  const nbf = numericDate(claims, "nbf");
  if (nbf !== undefined && nbf > now + tolerance)
    throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, "nbf", "check_failed");
  const exp = numericDate(claims, "exp");
  if (exp !== undefined && exp <= now - tolerance)
    throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, "exp", "check_failed");
  return claims as JWTPayload;
}
