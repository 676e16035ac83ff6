/**
 * JWT verification (RFC 7519 over a compact JWS) against a token restriction: the algorithm is pinned per key type
 * (HS256 symmetric, RS256 RSA/X.509/OIDC JWKS); `alg: none`, HS/RS confusion and unknown `crit` are refused; iss and
 * aud must match; `exp` is required; every segment must be canonical base64url. Keys: primary first, then each
 * alternate, then the OpenID Connect JWKS (from the configured discovery URL only). HS256 MACs run on node:crypto
 * (hs256.ts) with the claims set checked by claims-set.ts (jose's rules), everything else through jose. A token verified a moment ago comes from the verified-token cache
 * (verified-cache.ts) with its time claims checked again.
 */
import { KeyObject } from "node:crypto";
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from "jose";
import { KeyplaneError } from "../../errors";
import { decodeCanonicalBase64url, isCanonicalBase64url } from "../../encoding/base64url";
import type { TokenRestriction, VerificationKey } from "../../policy/model";
import { checkClaims, timeClaimsError } from "../claims";
import { tokenError } from "../errors";
import { importVerificationKey, pinnedAlg, type PinnedAlg } from "../keys";
import { oidcKeySet } from "../oidc";
import { recallVerified, rememberVerified, verifiedCacheMs } from "../verified-cache";
import { replayIdFor, type VerifiedToken, type VerifyOptions } from "../verified-token";
import { protectedHeader } from "./header";
import { validateClaimsSet } from "./claims-set";
import { hs256SignatureMatches } from "./hs256";

interface Candidate {
  name: string;
  alg: PinnedAlg;
  key: () => Promise<CryptoKey | KeyObject | JWTVerifyGetKey>;
}

function candidates(r: TokenRestriction, f: typeof fetch | undefined): Candidate[] {
  const out: Candidate[] = [];
  const add = (name: string, k: VerificationKey) =>
    out.push({ name, alg: pinnedAlg(k), key: async () => (await importVerificationKey(k)).key });
  if (r.primaryVerificationKey) add("primary", r.primaryVerificationKey);
  r.alternateVerificationKeys.forEach((k, i) => {
    add(`alternate:${i}`, k);
  });
  const oidc = r.openIdConnectDiscoveryDocument;
  if (oidc) out.push({ name: "oidc", alg: "RS256", key: () => oidcKeySet(oidc, f ? { fetch: f } : {}) });
  return out;
}

export async function verifyJwt(
  token: string,
  r: TokenRestriction,
  opts: VerifyOptions,
  skew: number,
): Promise<VerifiedToken> {
  // The exact token text verified under this restriction a moment ago: only the time claims need checking again.
  const cached = recallVerified(token, r, opts.now, opts.verifiedTokenCacheSeconds);
  if (cached) {
    const err = timeClaimsError(cached, r, opts.now, skew);
    if (err) throw err;
    return { ...cached };
  }
  const cacheMs = verifiedCacheMs(opts.verifiedTokenCacheSeconds);
  const parts = token.split(".");
  if (parts.length !== 3) throw tokenError("TOKEN_MALFORMED", "Not a compact JWS (three segments expected)");
  const [h, p, s] = parts as [string, string, string];
  const sig = decodeCanonicalBase64url(s);
  if (!sig || !isCanonicalBase64url(p))
    throw tokenError("TOKEN_MALFORMED", "Token segments must be canonical base64url");
  const { header, joseError } = protectedHeader(h);
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
        // HS256 (the only algorithm a symmetric key verifies): MAC on node:crypto, then jose's verdict on the header
        // (once per distinct header), then the claims set (claims-set.ts, jose's rules).
        if (!hs256SignatureMatches(`${h}.${p}`, sig, key)) continue;
        if (joseError !== undefined) throw joseError;
        payload = validateClaimsSet(p, claimOpts);
      } else {
        const verifyOpts = { ...claimOpts, algorithms: [alg], crit: {} };
        const res =
          typeof key === "function" ? await jwtVerify(token, key, verifyOpts) : await jwtVerify(token, key, verifyOpts);
        payload = res.payload;
      }
    } catch (e) {
      if (
        e instanceof joseErrors.JWSSignatureVerificationFailed ||
        e instanceof joseErrors.JWKSNoMatchingKey ||
        e instanceof joseErrors.JWKSMultipleMatchingKeys
      )
        continue;
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
    if (cacheMs > 0) rememberVerified(r, token, { verified, until: Math.min((exp + skew) * 1000, opts.now + cacheMs) });
    return { ...verified };
  }
  throw tokenError("TOKEN_INVALID", "Token signature is not valid");
}

function mapJoseError(e: unknown): KeyplaneError {
  if (e instanceof KeyplaneError) return e;
  if (e instanceof joseErrors.JWTExpired) return tokenError("TOKEN_EXPIRED", "Token has expired");
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === "nbf") return tokenError("TOKEN_NOT_YET_VALID", "Token is not valid yet (nbf)");
    if (e.claim === "exp") return tokenError("TOKEN_CLAIM_INVALID", "Token exp is required");
    if (e.claim === "iss" || e.claim === "aud")
      return tokenError("TOKEN_CLAIM_INVALID", `Token ${e.claim} does not match the policy`);
    return tokenError("TOKEN_CLAIM_INVALID", `Token claim ${e.claim} is not valid`);
  }
  if (e instanceof joseErrors.JOSENotSupported)
    return tokenError("TOKEN_UNSUPPORTED", "Token uses an unsupported feature (crit or algorithm)");
  if (e instanceof joseErrors.JOSEAlgNotAllowed)
    return tokenError("TOKEN_INVALID", "Token algorithm is not allowed for this policy");
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid)
    return tokenError("TOKEN_MALFORMED", "Token is malformed");
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid) {
    return new KeyplaneError("OIDC_UNAVAILABLE", "The OpenID Connect key set could not be loaded", {
      status: 503,
      cause: e,
    });
  }
  if (e instanceof joseErrors.JOSEError) return tokenError("TOKEN_INVALID", "Token is not valid");
  return new KeyplaneError("TOKEN_VERIFY_FAILED", "Token verification failed", {
    status: 500,
    expose: false,
    cause: e,
  });
}
