/**
 * What verifying a viewer token takes (`VerifyOptions`) and yields (`VerifiedToken`): plain data shared by the JWT and
 * SWT verifiers (jwt/verify.ts, swt.ts), the claim checks (claims.ts), the verified-token cache (verified-cache.ts) and
 * the public face (verify.ts).
 */
import { createHash } from "node:crypto";
import type { UseCounter } from "./counter";

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

/** Stable id of a token for replay counting: a hash of its decoded signature bytes (safe to log). */
export function replayIdFor(kind: string, sig: Buffer): string {
  return `${kind}:${createHash("sha256").update(sig).digest("base64url")}`;
}
