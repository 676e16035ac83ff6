/**
 * Verifies a viewer token against a policy's token restriction (the Azure Media Services model), enforcing every rule:
 * - JWT: the algorithm is pinned per key type (HS256 symmetric, RS256 RSA/X.509/OIDC JWKS); `alg: none`, HS/RS
 *   confusion and unknown `crit` are refused; iss and aud must match; `exp` is required; `nbf` and `iat` may not lie
 *   in the future beyond the clock skew (at most 120 s); the lifetime is capped by the restriction's
 *   `maxTokenLifetimeSeconds`, both as `exp - (nbf or iat)` and as `exp - now` (+ skew), so a token cannot claim a
 *   recent `iat` to live for years; every segment must be canonical base64url.
 * - SWT: HMAC-SHA256 with the symmetric keys, constant-time compare of decoded bytes; Issuer, Audience, ExpiresOn
 *   (expired, or more than `maxTokenLifetimeSeconds` + skew ahead, is refused).
 * - Keys: primary first, then each alternate, then the OpenID Connect JWKS (from the configured discovery URL only).
 * - Claims: required claims (no value = must be present); `urn:microsoft:azure:mediaservices:contentkeyidentifier`
 *   must equal the requested KID as 16 bytes (UUID, hex or base64url forms accepted); `...:maxuses` is counted on
 *   the token's decoded signature bytes, so re-encoding a token does not buy extra uses.
 * Errors are KeyplaneErrors: 401 for a missing/invalid token, 403 for a valid token that does not grant this KID.
 */
import { createHash, KeyObject } from "node:crypto";
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from "jose";
import { KeyplaneError } from "../errors";
import { parseKid } from "../keys/kid";
import { CONTENT_KEY_IDENTIFIER_CLAIM, MAX_USES_CLAIM, type TokenRestriction, type VerificationKey } from "../policy/model";
import { decodeCanonicalBase64url, isCanonicalBase64url } from "../encoding/base64url";
import type { UseCounter } from "./counter";
import { tokenError } from "./errors";
import { hs256SignatureMatches, unsecuredHeaderSegment, validateVerifiedJwt } from "./hs256";
import { importVerificationKey, pinnedAlg, type PinnedAlg } from "./keys";
import { oidcKeySet } from "./oidc";
import { parseSwt, swtMacMatches } from "./swt";

export { extractToken, findToken, type TokenSource } from "./extract";

/** Clock skew is configurable but never more than this. */
export const MAX_CLOCK_SKEW_SECONDS = 120;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
/** Largest `maxuses` value accepted. */
export const MAX_USES_LIMIT = 1_000_000;

export interface VerifyOptions {
  /** Current time, milliseconds since the epoch (`ctx.now()`). */
  now: number;
  /** The KID being requested (16 bytes). When given, a content key identifier claim must equal it. */
  kid?: Buffer;
  /** Further KIDs requested at the same time (multi-key ClearKey requests); each must be bound like `kid`. */
  kids?: Buffer[];
  /** Allowed clock skew in seconds; default 60, capped at 120. */
  skewSeconds?: number;
  /** Counts uses for tokens with a maxuses claim. Without one, such tokens are refused (fail closed). */
  useCounter?: UseCounter;
  /** fetch used for OpenID Connect discovery and JWKS (tests point it at loopback). */
  fetch?: typeof fetch;
  /**
   * How long a token whose signature verified is remembered, so the same token is not re-verified (default 60,
   * at most 300; 0 turns the cache off). Time claims, KID binding and maxuses are checked on every request anyway.
   */
  verifiedTokenCacheSeconds?: number;
}

export interface VerifiedToken {
  tokenType: "Jwt" | "Swt";
  /** Every claim of the token (SWT values are strings). */
  claims: Record<string, unknown>;
  issuer: string;
  subject?: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Which key verified it: `primary`, `alternate:<index>` or `oidc`. */
  verifiedBy: string;
  /** Stable id of this token for replay counting (hash of the decoded signature bytes). Safe to log. */
  replayId: string;
  /** KIDs the token is bound to (content key identifier claim), if any. */
  contentKeyIds?: Buffer[];
  maxUses?: number;
  /** The use count after this verification, when maxUses applies. */
  uses?: number;
}

/** Verifies `token` under `restriction`; throws a KeyplaneError (401/403) on any failure. */
export async function verifyViewerToken(token: string, restriction: TokenRestriction, opts: VerifyOptions): Promise<VerifiedToken> {
  if (typeof token !== "string" || token.length === 0) throw tokenError("TOKEN_MISSING", "A bearer token is required");
  const skew = clampSkew(opts.skewSeconds);
  const v = restriction.tokenType === "Swt" ? await verifySwt(token, restriction, opts.now, skew) : await verifyJwt(token, restriction, opts, skew);
  if (!bindingHolds(v, opts)) throw tokenError("TOKEN_KID_MISMATCH", "The token is not valid for the requested key");
  const maxUses = v.maxUses;
  if (maxUses !== undefined) {
    if (!opts.useCounter) throw new KeyplaneError("USE_COUNTER_MISSING", "Token has a maxuses claim but no replay counter is configured", { status: 500, expose: false });
    const ttl = Math.max(1, Math.ceil(v.expiresAt - opts.now / 1000) + skew);
    const uses = await opts.useCounter.increment(v.replayId, ttl);
    v.uses = uses;
    if (uses > maxUses) throw tokenError("TOKEN_USES_EXHAUSTED", "The token has been used the maximum number of times", { maxUses });
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
export function recallVerifiedToken(token: string, restriction: TokenRestriction, opts: VerifyOptions): VerifiedToken | undefined {
  if (restriction.tokenType !== "Jwt" || verifiedCacheMs(opts.verifiedTokenCacheSeconds) === 0) return undefined;
  const cached = recall(restriction, token);
  if (!cached || cached.until <= opts.now) return undefined;
  const v = cached.verified;
  if (v.maxUses !== undefined || timeClaimsError(v, restriction, opts.now, clampSkew(opts.skewSeconds)) || !bindingHolds(v, opts)) return undefined;
  return { ...v };
}

/** True when the token names no KIDs, or names every requested one (byte compare). */
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
function checkClaims(claims: Record<string, unknown>, expiresAt: number, r: TokenRestriction): { contentKeyIds?: Buffer[]; maxUses?: number } {
  checkLifetime(claims, expiresAt, r);
  checkRequiredClaims(claims, r);
  const bound = contentKeyIds(claims);
  const maxUses = parseMaxUses(claims);
  return { ...(bound ? { contentKeyIds: bound } : {}), ...(maxUses !== undefined ? { maxUses } : {}) };
}

export function clampSkew(s: number | undefined): number {
  const n = s ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(Math.floor(n), MAX_CLOCK_SKEW_SECONDS);
}

function replayIdFor(kind: string, sig: Buffer): string {
  return `${kind}:${createHash("sha256").update(sig).digest("base64url")}`;
}

// ---------- JWT ----------

interface Candidate {
  name: string;
  alg: PinnedAlg;
  key: () => Promise<CryptoKey | KeyObject | JWTVerifyGetKey>;
}

function candidates(r: TokenRestriction, f: typeof fetch | undefined): Candidate[] {
  const out: Candidate[] = [];
  const add = (name: string, k: VerificationKey) => out.push({ name, alg: pinnedAlg(k), key: async () => (await importVerificationKey(k)).key });
  if (r.primaryVerificationKey) add("primary", r.primaryVerificationKey);
  r.alternateVerificationKeys.forEach((k, i) => add(`alternate:${i}`, k));
  const oidc = r.openIdConnectDiscoveryDocument;
  if (oidc) out.push({ name: "oidc", alg: "RS256", key: () => oidcKeySet(oidc, f ? { fetch: f } : {}) });
  return out;
}

async function verifyJwt(token: string, r: TokenRestriction, opts: VerifyOptions, skew: number): Promise<VerifiedToken> {
  // The exact token text verified under this restriction a moment ago: only the time claims need checking again.
  const cacheMs = verifiedCacheMs(opts.verifiedTokenCacheSeconds);
  if (cacheMs > 0) {
    const cached = recall(r, token);
    if (cached && cached.until > opts.now) return fromCache(cached, r, opts.now, skew);
  }
  const parts = token.split(".");
  if (parts.length !== 3) throw tokenError("TOKEN_MALFORMED", "Not a compact JWS (three segments expected)");
  const [h, p, s] = parts as [string, string, string];
  const sig = decodeCanonicalBase64url(s);
  if (!sig || !isCanonicalBase64url(p)) throw tokenError("TOKEN_MALFORMED", "Token segments must be canonical base64url");
  const { header, unsecured } = protectedHeader(h);
  const alg = header.alg as string;
  const usable = candidates(r, opts.fetch).filter((c) => c.alg === alg);
  if (usable.length === 0) throw tokenError("TOKEN_INVALID", "Token algorithm is not allowed for this policy");

  const claimOpts = {
    issuer: r.issuer,
    audience: r.audience,
    requiredClaims: ["exp"],
    clockTolerance: skew,
    currentDate: new Date(opts.now),
  };
  for (const c of usable) {
    let payload: JWTPayload;
    try {
      const key = await c.key();
      if (key instanceof KeyObject) {
        // HS256 (the only algorithm a symmetric key verifies): MAC on node:crypto, header and claims through jose.
        if (!hs256SignatureMatches(`${h}.${p}`, sig, key)) continue;
        payload = validateVerifiedJwt(unsecured, p, claimOpts);
      } else {
        const verifyOpts = { ...claimOpts, algorithms: [alg], crit: {} };
        const res = typeof key === "function" ? await jwtVerify(token, key, verifyOpts) : await jwtVerify(token, key, verifyOpts);
        payload = res.payload;
      }
    } catch (e) {
      if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWKSMultipleMatchingKeys) continue;
      throw mapJoseError(e);
    }
    const exp = payload.exp;
    if (typeof exp !== "number") throw tokenError("TOKEN_CLAIM_INVALID", "Token exp is required");
    const claims = payload as Record<string, unknown>;
    const extracted = checkClaims(claims, exp, r);
    const verified: VerifiedToken = {
      tokenType: "Jwt",
      claims,
      issuer: r.issuer,
      ...(typeof payload.sub === "string" ? { subject: payload.sub } : {}),
      expiresAt: exp,
      verifiedBy: c.name,
      replayId: replayIdFor("jwt", sig),
      ...extracted,
    };
    // jose has checked nbf and exp; this adds iat and the exp - now cap, by the same rules a cache hit is held to.
    const timeErr = timeClaimsError(verified, r, opts.now, skew);
    if (timeErr) throw timeErr;
    if (cacheMs > 0) remember(r, token, { verified, until: Math.min((exp + skew) * 1000, opts.now + cacheMs) });
    return { ...verified };
  }
  throw tokenError("TOKEN_INVALID", "Token signature is not valid");
}

/**
 * The parsed protected header of a JWS, by its exact (canonical) segment, with its `alg: "none"` re-encoding for the
 * HS256 claims check (hs256.ts). A deployment sees a handful of distinct headers (`{"alg":"HS256","typ":"JWT"}` and a
 * `kid` or two), so each is decoded, parsed and re-encoded once; the result is frozen and only read. Anything else
 * about the header (`crit`, `b64`) is still checked per token by jose.
 */
interface ParsedHeader {
  header: Readonly<Record<string, unknown>>;
  unsecured: string;
}
const HEADER_CACHE_MAX = 64;
const headerCache = new Map<string, ParsedHeader>();
function protectedHeader(segment: string): ParsedHeader {
  const cached = headerCache.get(segment);
  if (cached) return cached;
  const bytes = decodeCanonicalBase64url(segment);
  if (!bytes) throw tokenError("TOKEN_MALFORMED", "Token segments must be canonical base64url");
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw tokenError("TOKEN_MALFORMED", "Token header is not JSON");
  }
  if (!header || typeof header !== "object" || Array.isArray(header) || typeof (header as { alg?: unknown }).alg !== "string") {
    throw tokenError("TOKEN_MALFORMED", "Token header has no alg");
  }
  const frozen = Object.freeze(header as Record<string, unknown>);
  const parsed: ParsedHeader = Object.freeze({ header: frozen, unsecured: unsecuredHeaderSegment(frozen) });
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(segment, parsed);
  return parsed;
}

/**
 * Tokens whose signature and static claims (alg, crit, iss, aud, exp present, lifetime, required claims, KID and
 * maxuses claim shapes) verified under a restriction, reused for a short while (default 60 s,
 * `verifiedTokenCacheSeconds`) so a player fetching several keys with one token is not re-verified each time. Keyed by
 * the exact token text (a re-encoded token is a different key and goes through full verification) and by the
 * restriction object (a policy reload starts afresh). Time claims (exp, nbf, iat, the exp - now cap) are re-checked
 * on every hit; the KID binding and maxuses are checked on every request regardless.
 */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS = 60;
export const MAX_VERIFIED_TOKEN_CACHE_SECONDS = 300;
const VERIFIED_CACHE_MAX = 10_000;
function verifiedCacheMs(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_VERIFIED_TOKEN_CACHE_SECONDS;
  return Number.isFinite(s) && s > 0 ? Math.min(s, MAX_VERIFIED_TOKEN_CACHE_SECONDS) * 1000 : 0;
}
interface CachedJwt {
  /** The result of the full verification (never handed out itself: callers get copies). */
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

function recall(r: TokenRestriction, token: string): CachedJwt | undefined {
  const g = verifiedCache.get(r);
  return g ? (g.current.get(token) ?? g.previous.get(token)) : undefined;
}

function remember(r: TokenRestriction, token: string, entry: CachedJwt): void {
  let g = verifiedCache.get(r);
  if (!g) verifiedCache.set(r, (g = { current: new Map(), previous: new Map() }));
  if (g.current.size >= VERIFIED_CACHE_MAX) {
    g.previous = g.current;
    g.current = new Map();
  }
  g.current.set(token, entry);
}

function fromCache(c: CachedJwt, r: TokenRestriction, nowMs: number, skew: number): VerifiedToken {
  const err = timeClaimsError(c.verified, r, nowMs, skew);
  if (err) throw err;
  return { ...c.verified };
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
function timeClaimsError(v: VerifiedToken, r: TokenRestriction, nowMs: number, skew: number): KeyplaneError | undefined {
  const now = Math.floor(nowMs / 1000);
  const { nbf, iat } = v.claims;
  if (typeof nbf === "number" && nbf > now + skew) return tokenError("TOKEN_NOT_YET_VALID", "Token is not valid yet (nbf)");
  if (typeof iat === "number" && iat > now + skew) return tokenError("TOKEN_CLAIM_INVALID", "Token iat is in the future (beyond the allowed clock skew)");
  if (v.expiresAt <= now - skew) return tokenError("TOKEN_EXPIRED", "Token has expired");
  if (v.expiresAt - now > r.maxTokenLifetimeSeconds + skew) {
    return tokenError("TOKEN_CLAIM_INVALID", `Token expires more than ${r.maxTokenLifetimeSeconds} s from now (the longest lifetime allowed)`);
  }
  return undefined;
}

function mapJoseError(e: unknown): KeyplaneError {
  if (e instanceof KeyplaneError) return e;
  if (e instanceof joseErrors.JWTExpired) return tokenError("TOKEN_EXPIRED", "Token has expired");
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === "nbf") return tokenError("TOKEN_NOT_YET_VALID", "Token is not valid yet (nbf)");
    if (e.claim === "exp") return tokenError("TOKEN_CLAIM_INVALID", "Token exp is required");
    if (e.claim === "iss" || e.claim === "aud") return tokenError("TOKEN_CLAIM_INVALID", `Token ${e.claim} does not match the policy`);
    return tokenError("TOKEN_CLAIM_INVALID", `Token claim ${e.claim} is not valid`);
  }
  if (e instanceof joseErrors.JOSENotSupported) return tokenError("TOKEN_UNSUPPORTED", "Token uses an unsupported feature (crit or algorithm)");
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return tokenError("TOKEN_INVALID", "Token algorithm is not allowed for this policy");
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid) return tokenError("TOKEN_MALFORMED", "Token is malformed");
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid) {
    return new KeyplaneError("OIDC_UNAVAILABLE", "The OpenID Connect key set could not be loaded", { status: 503, cause: e });
  }
  if (e instanceof joseErrors.JOSEError) return tokenError("TOKEN_INVALID", "Token is not valid");
  return new KeyplaneError("TOKEN_VERIFY_FAILED", "Token verification failed", { status: 500, expose: false, cause: e });
}

// ---------- SWT ----------

async function verifySwt(token: string, r: TokenRestriction, nowMs: number, skew: number): Promise<VerifiedToken> {
  const parsed = parseSwt(token);
  const keys = [r.primaryVerificationKey, ...r.alternateVerificationKeys];
  let verifiedBy: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!k || k.type !== "Symmetric") continue;
    const imported = await importVerificationKey(k);
    if (imported.alg === "HS256" && swtMacMatches(parsed, imported.key)) {
      verifiedBy = i === 0 && r.primaryVerificationKey ? "primary" : `alternate:${r.primaryVerificationKey ? i - 1 : i}`;
      break;
    }
  }
  if (!verifiedBy) throw tokenError("TOKEN_INVALID", "Token signature is not valid");
  const c = parsed.claims;
  if (c.Issuer !== r.issuer) throw tokenError("TOKEN_CLAIM_INVALID", "Token Issuer does not match the policy");
  if (c.Audience !== r.audience) throw tokenError("TOKEN_CLAIM_INVALID", "Token Audience does not match the policy");
  const expText = c.ExpiresOn;
  if (expText === undefined || !/^\d{1,12}$/.test(expText)) throw tokenError("TOKEN_CLAIM_INVALID", "Token ExpiresOn is required");
  const exp = Number(expText);
  if (nowMs / 1000 - skew >= exp) throw tokenError("TOKEN_EXPIRED", "Token has expired");
  const claims: Record<string, unknown> = { ...c };
  const v: VerifiedToken = { tokenType: "Swt", claims, issuer: r.issuer, expiresAt: exp, verifiedBy, replayId: replayIdFor("swt", parsed.mac), ...checkClaims(claims, exp, r) };
  // ExpiresOn - now is capped like a JWT's exp (a SWT has no iat/nbf; its string claims are not read as such).
  const timeErr = timeClaimsError(v, r, nowMs, skew);
  if (timeErr) throw timeErr;
  return v;
}

// ---------- claims ----------

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
    if (v === undefined || v === null) throw tokenError("TOKEN_CLAIM_INVALID", `Token lacks required claim ${rc.claimType}`);
    if (rc.claimValue === undefined) continue;
    const ok = rc.claimType === CONTENT_KEY_IDENTIFIER_CLAIM
      ? sameKid(v, rc.claimValue)
      : (Array.isArray(v) ? v.some((x) => scalarEquals(x, rc.claimValue!)) : scalarEquals(v, rc.claimValue));
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
  if (list.length === 0 || list.length > 64) throw tokenError("TOKEN_CLAIM_INVALID", "Content key identifier claim is not valid");
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
  if (!Number.isInteger(n) || n < 1 || n > MAX_USES_LIMIT) throw tokenError("TOKEN_CLAIM_INVALID", "maxuses claim must be a positive integer");
  return n;
}
