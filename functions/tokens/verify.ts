/**
 * Verifies a viewer token against a policy's token restriction (the Azure Media Services model), enforcing every rule:
 * the signature and static claims of a JWT (jwt/verify.ts) or SWT (swt.ts), the checks against the clock and the KID
 * binding (claims.ts), then `maxuses`, counted on the token's decoded signature bytes so re-encoding a token does not
 * buy extra uses. The face of tokens/ for callers that hold a token and some restrictions: `verifyTokenUnderAny`
 * (first the verified-token cache, then the full check), `verifyViewerToken` (one restriction, the full check) and
 * `recallVerifiedToken` (the cached verdict alone).
 * Errors are KeyplaneErrors: 401 for a missing/invalid token, 403 for a valid token that does not grant this KID.
 */
import { KeyplaneError } from "../errors";
import type { TokenRestriction } from "../policy/model";
import { bindingHolds, clampSkew, timeClaimsError } from "./claims";
import { tokenError } from "./errors";
import { verifyJwt } from "./jwt/verify";
import { verifySwt } from "./swt";
import { recallVerified } from "./verified-cache";
import type { VerifiedToken, VerifyOptions } from "./verified-token";

export type { VerifiedToken, VerifyOptions } from "./verified-token";

/** Verifies `token` under `restriction`; throws a KeyplaneError (401/403) on any failure. */
export async function verifyViewerToken(
  token: string,
  restriction: TokenRestriction,
  opts: VerifyOptions,
): Promise<VerifiedToken> {
  if (typeof token !== "string" || token.length === 0) throw tokenError("TOKEN_MISSING", "A bearer token is required");
  const skew = clampSkew(opts.skewSeconds);
  const v =
    restriction.tokenType === "Swt"
      ? await verifySwt(token, restriction, opts.now, skew)
      : await verifyJwt(token, restriction, opts, skew);
  if (!bindingHolds(v, opts)) throw tokenError("TOKEN_KID_MISMATCH", "The token is not valid for the requested key");
  const maxUses = v.maxUses;
  if (maxUses !== undefined) {
    if (!opts.useCounter)
      throw new KeyplaneError("USE_COUNTER_MISSING", "Token has a maxuses claim but no replay counter is configured", {
        status: 500,
        expose: false,
      });
    const ttl = Math.max(1, Math.ceil(v.expiresAt - opts.now / 1000) + skew);
    const uses = await opts.useCounter.increment(v.replayId, ttl);
    v.uses = uses;
    if (uses > maxUses)
      throw tokenError("TOKEN_USES_EXHAUSTED", "The token has been used the maximum number of times", { maxUses });
  }
  return v;
}

/**
 * The synchronous answer for the exact token text verified under `restriction` a moment ago (the verified-token
 * cache), when `verifyViewerToken` would certainly accept it: still within its time claims (the same `timeClaimsError`
 * the full check applies: nbf, iat, exp and the exp - now cap), bound to every requested KID, and without `maxuses`
 * (counting a use needs the asynchronous counter). In every other case (not cached, cache off, SWT, expired, not yet
 * valid, issued in the future, too long-lived, wrong KID, maxuses) it returns undefined and the caller runs
 * `verifyViewerToken`, which gives the exact verdict and error. It never accepts what `verifyViewerToken` would refuse.
 */
export function recallVerifiedToken(
  token: string,
  restriction: TokenRestriction,
  opts: VerifyOptions,
): VerifiedToken | undefined {
  if (restriction.tokenType !== "Jwt") return undefined;
  const v = recallVerified(token, restriction, opts.now, opts.verifiedTokenCacheSeconds);
  if (
    !v ||
    v.maxUses !== undefined ||
    timeClaimsError(v, restriction, opts.now, clampSkew(opts.skewSeconds)) ||
    !bindingHolds(v, opts)
  )
    return undefined;
  return { ...v };
}

/**
 * Verifies `token` under the first of `restrictions` that accepts it (all of one token type, in policy order). A token
 * verified a moment ago that certainly passes is answered synchronously from the verified-token cache
 * (`recallVerifiedToken`); otherwise the full check runs on each restriction in turn: a token that verified but does
 * not grant the KIDs (403) is final, else the first restriction's error is thrown when none accepts it.
 */
export function verifyTokenUnderAny(
  token: string,
  restrictions: readonly TokenRestriction[],
  opts: VerifyOptions,
): VerifiedToken | Promise<VerifiedToken> {
  for (const r of restrictions) {
    const hit = recallVerifiedToken(token, r, opts);
    if (hit) return hit;
  }
  return verifyInTurn(token, restrictions, opts);
}

async function verifyInTurn(
  token: string,
  restrictions: readonly TokenRestriction[],
  opts: VerifyOptions,
): Promise<VerifiedToken> {
  let first: unknown;
  for (const r of restrictions) {
    try {
      return await verifyViewerToken(token, r, opts);
    } catch (e) {
      if (e instanceof KeyplaneError && e.status === 403) throw e;
      first ??= e;
    }
  }
  throw first;
}
