/**
 * The verified-token cache: tokens whose signature and static claims (alg, crit, iss, aud, exp present, lifetime,
 * required claims, KID and maxuses claim shapes) verified under a restriction, reused for a short while (default 60 s,
 * `verifiedTokenCacheSeconds`) so a player fetching several keys with one token is not re-verified each time. Keyed by
 * the exact token text (a re-encoded token is a different key and goes through full verification) and by the
 * restriction object (a policy reload starts afresh). Time claims (exp, nbf, iat, the exp - now cap) are re-checked
 * on every hit; the KID binding and maxuses are checked on every request regardless.
 */
import type { TokenRestriction } from "../policy/model";
import type { VerifiedToken } from "./verified-token";

export const DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS = 60;
export const MAX_VERIFIED_TOKEN_CACHE_SECONDS = 300;
const VERIFIED_CACHE_MAX = 10_000;
export function verifiedCacheMs(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS;
  return Number.isFinite(s) && s > 0 ? Math.min(s, MAX_VERIFIED_TOKEN_CACHE_SECONDS) * 1000 : 0;
}
export interface CachedJwt {
  /** The result of the full verification (read only: callers hand out copies). */
  verified: VerifiedToken;
  until: number;
}
/**
 * Two generations per restriction: lookups try the current map, then the previous one; when the current map is full
 * it becomes the previous one and a fresh map starts. Bounded at 2 x VERIFIED_CACHE_MAX entries, O(1) per operation
 * (evicting a Map's oldest entry one at a time scans the deleted slots V8 leaves at its front, which showed up as a
 * measurable cost per cache miss under load; figure in docs/performance.md).
 */
interface Generations {
  current: Map<string, CachedJwt>;
  previous: Map<string, CachedJwt>;
}
const verifiedCache = new WeakMap<TokenRestriction, Generations>();

/**
 * The one lookup: what the full verification of this exact token text under `restriction` found, while the entry lasts
 * (never past the token's `exp` + skew), or undefined (not cached, expired entry, cache off). Read only. Time claims,
 * KID binding and maxuses are the caller's to check.
 */
export function recallVerified(
  token: string,
  restriction: TokenRestriction,
  nowMs: number,
  cacheSeconds: number | undefined,
): VerifiedToken | undefined {
  if (verifiedCacheMs(cacheSeconds) === 0) return undefined;
  const g = verifiedCache.get(restriction);
  const cached = g ? (g.current.get(token) ?? g.previous.get(token)) : undefined;
  return cached && cached.until > nowMs ? cached.verified : undefined;
}

/** Remembers a full verification of `token` under `r` until `until` (ms; the caller bounds it by exp + skew). */
export function rememberVerified(r: TokenRestriction, token: string, entry: CachedJwt): void {
  let g = verifiedCache.get(r);
  if (!g) verifiedCache.set(r, (g = { current: new Map(), previous: new Map() }));
  if (g.current.size >= VERIFIED_CACHE_MAX) {
    g.previous = g.current;
    g.current = new Map();
  }
  g.current.set(token, entry);
}
