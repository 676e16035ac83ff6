/**
 * The claim checks of a verified token, alike for JWT and SWT:
 * - once, after the signature verifies (`checkClaims`): the lifetime `exp - (nbf or iat)`, required claims (no value =
 *   must be present), the shape of `urn:microsoft:azure:mediaservices:contentkeyidentifier` (UUID, hex or base64url
 *   KIDs) and of `...:maxuses`;
 * - against the clock (`timeClaimsError`), after a full verification and on every cache hit alike;
 * - the KID binding (`bindingHolds`), on every request: a bound token names every requested KID as 16 bytes.
 */
import type { KeyplaneError } from "../errors";
import { parseKid } from "../keys/kid";
import { CONTENT_KEY_IDENTIFIER_CLAIM, MAX_USES_CLAIM, type TokenRestriction } from "../policy/model";
import { tokenError } from "./errors";
import type { VerifiedToken, VerifyOptions } from "./verified-token";

/** Clock skew is configurable but never more than this. */
export const MAX_CLOCK_SKEW_SECONDS = 120;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
/** Largest `maxuses` value accepted. */
export const MAX_USES_LIMIT = 1_000_000;

export function clampSkew(s: number | undefined): number {
  const n = s ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(Math.floor(n), MAX_CLOCK_SKEW_SECONDS);
}

export /** True when the token names no KIDs, or names every requested one (byte compare). */
function bindingHolds(v: VerifiedToken, opts: VerifyOptions): boolean {
  const bound = v.contentKeyIds;
  if (!bound) return true;
  const wanted = opts.kid ? [opts.kid, ...(opts.kids ?? [])] : (opts.kids ?? []);
  return wanted.every((w) => bound.some((k) => k.equals(w)));
}

/**
 * The checks that depend only on the token and the restriction (lifetime `exp - (nbf or iat)`, required claims, the
 * shape of the content key identifier and maxuses claims), run once after the signature verifies. Returns what they
 * extracted. (The checks against the clock are `timeClaimsError`'s, run on every request, cached or not.)
 */
export function checkClaims(
  claims: Record<string, unknown>,
  expiresAt: number,
  r: TokenRestriction,
): { contentKeyIds?: Buffer[]; maxUses?: number } {
  checkLifetime(claims, expiresAt, r);
  checkRequiredClaims(claims, r);
  const bound = contentKeyIds(claims);
  const maxUses = parseMaxUses(claims);
  return { ...(bound ? { contentKeyIds: bound } : {}), ...(maxUses !== undefined ? { maxUses } : {}) };
}

/**
 * Every check against the clock, applied alike after a full verification and on each cache hit (so the cache can
 * never accept what the full check refuses, whichever way the clock moves). `now` is in whole seconds as jose counts
 * it (RFC 7519 §2 NumericDate); `skew` is the clamped clock skew.
 * - `nbf` > now + skew: not valid yet (RFC 7519 §4.1.5; the rule jose applies).
 * - `iat` > now + skew: issued in the future. RFC 7519 §4.1.6 defines `iat` as the time the token was issued, so one
 *   beyond our clock (plus skew) is not credible; it is refused rather than trusted as the start of the lifetime
 *   (issue 14: `iat` a minute before an `exp` ten years ahead). jose's jwtVerify checks this only with `maxTokenAge`,
 *   which would also require `iat`.
 * - `exp` <= now - skew: expired (RFC 7519 §4.1.4; the rule jose applies).
 * - `exp` - now > `maxTokenLifetimeSeconds` + skew: lives longer from now than the restriction allows, whatever
 *   `iat`/`nbf` say (and for tokens with neither). The skew allows an issuer clock slightly ahead of ours.
 * SWT claims are strings, so for a SWT only ExpiresOn (`expiresAt`) is checked here.
 */
export function timeClaimsError(
  v: VerifiedToken,
  r: TokenRestriction,
  nowMs: number,
  skew: number,
): KeyplaneError | undefined {
  const now = Math.floor(nowMs / 1000);
  const { nbf, iat } = v.claims;
  if (typeof nbf === "number" && nbf > now + skew)
    return tokenError("TOKEN_NOT_YET_VALID", "Token is not valid yet (nbf)");
  if (typeof iat === "number" && iat > now + skew)
    return tokenError("TOKEN_CLAIM_INVALID", "Token iat is in the future (beyond the allowed clock skew)");
  if (v.expiresAt <= now - skew) return tokenError("TOKEN_EXPIRED", "Token has expired");
  if (v.expiresAt - now > r.maxTokenLifetimeSeconds + skew) {
    return tokenError(
      "TOKEN_CLAIM_INVALID",
      `Token expires more than ${r.maxTokenLifetimeSeconds} s from now (the longest lifetime allowed)`,
    );
  }
  return undefined;
}

/**
 * The lifetime the token states, `exp - nbf` (else `exp - iat`), at most `maxTokenLifetimeSeconds`. (`exp - now`, for
 * every token including those with neither claim, is capped by `timeClaimsError`.)
 */
function checkLifetime(claims: Record<string, unknown>, expiresAt: number, r: TokenRestriction): void {
  const from = typeof claims.nbf === "number" ? claims.nbf : typeof claims.iat === "number" ? claims.iat : undefined;
  if (from !== undefined && expiresAt - from > r.maxTokenLifetimeSeconds) {
    throw tokenError("TOKEN_CLAIM_INVALID", `Token lifetime exceeds ${r.maxTokenLifetimeSeconds} s`);
  }
}

function checkRequiredClaims(claims: Record<string, unknown>, r: TokenRestriction): void {
  for (const rc of r.requiredClaims) {
    const v = claims[rc.claimType];
    if (v === undefined || v === null)
      throw tokenError("TOKEN_CLAIM_INVALID", `Token lacks required claim ${rc.claimType}`);
    if (rc.claimValue === undefined) continue;
    const ok =
      rc.claimType === CONTENT_KEY_IDENTIFIER_CLAIM
        ? sameKid(v, rc.claimValue)
        : Array.isArray(v)
          ? v.some((x) => scalarEquals(x, rc.claimValue!))
          : scalarEquals(v, rc.claimValue);
    if (!ok) throw tokenError("TOKEN_CLAIM_INVALID", `Token claim ${rc.claimType} does not have the required value`);
  }
}

function scalarEquals(v: unknown, expected: string): boolean {
  return (typeof v === "string" || typeof v === "number" || typeof v === "boolean") && String(v) === expected;
}

function sameKid(v: unknown, expected: string): boolean {
  try {
    const want = parseKid(expected);
    return (contentKeyIdsOf(v) ?? []).some((k) => k.equals(want));
  } catch {
    return false;
  }
}

function contentKeyIdsOf(v: unknown): Buffer[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || list.length > 64)
    throw tokenError("TOKEN_CLAIM_INVALID", "Content key identifier claim is not valid");
  return list.map((x) => {
    if (typeof x !== "string") throw tokenError("TOKEN_CLAIM_INVALID", "Content key identifier claim is not valid");
    try {
      return parseKid(x);
    } catch {
      throw tokenError("TOKEN_CLAIM_INVALID", "Content key identifier claim is not a KID");
    }
  });
}

/** The KIDs a token is bound to, or undefined when it carries no content key identifier claim. */
function contentKeyIds(claims: Record<string, unknown>): Buffer[] | undefined {
  const v = claims[CONTENT_KEY_IDENTIFIER_CLAIM];
  if (v === undefined || v === null) return undefined;
  return contentKeyIdsOf(v);
}

function parseMaxUses(claims: Record<string, unknown>): number | undefined {
  const v = claims[MAX_USES_CLAIM];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,7}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_USES_LIMIT)
    throw tokenError("TOKEN_CLAIM_INVALID", "maxuses claim must be a positive integer");
  return n;
}
