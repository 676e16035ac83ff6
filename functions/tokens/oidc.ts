/**
 * OpenID Connect discovery for token restrictions: fetch the configured discovery document (HTTPS, or http on loopback
 * for tests), take its `jwks_uri` (same rule) and verify with jose's remote JWK set. JWKS comes from there only:
 * never from a token header (`jku`, `x5u`, `jwk` are ignored).
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import { KeyplaneError } from "../errors";

const LOOPBACK_RE = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
const MAX_DISCOVERY_BYTES = 64 * 1024;

export function isAllowedMetadataUrl(url: string): boolean {
  return url.startsWith("https://") || LOOPBACK_RE.test(url);
}

export interface OidcOptions {
  fetch?: typeof fetch;
  /** How long discovery results are kept. Default 10 minutes. */
  cacheTtlMs?: number;
  now?: () => number;
}

const resolved = new Map<string, { at: number; jwks: Promise<JWTVerifyGetKey> }>();

function oidcError(message: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError("OIDC_UNAVAILABLE", message, { status: 503, ...(cause ? { cause } : {}) });
}

async function discover(url: string, f: typeof fetch): Promise<JWTVerifyGetKey> {
  if (!isAllowedMetadataUrl(url)) throw oidcError("OpenID Connect discovery URL must use https");
  let res: Response;
  try {
    res = await f(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    throw oidcError("OpenID Connect discovery document could not be fetched", e);
  }
  if (!res.ok) throw oidcError(`OpenID Connect discovery answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DISCOVERY_BYTES) throw oidcError("OpenID Connect discovery document too large");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw oidcError("OpenID Connect discovery document is not JSON", e);
  }
  const jwksUri = (doc as { jwks_uri?: unknown })?.jwks_uri;
  if (typeof jwksUri !== "string" || !isAllowedMetadataUrl(jwksUri))
    throw oidcError("OpenID Connect discovery has no usable https jwks_uri");
  return createRemoteJWKSet(new URL(jwksUri), {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
    [customFetch]: f,
  });
}

/** The JWK set for a discovery URL, cached per URL. */
export function oidcKeySet(url: string, opts: OidcOptions = {}): Promise<JWTVerifyGetKey> {
  const now = (opts.now ?? Date.now)();
  const ttl = opts.cacheTtlMs ?? 600_000;
  const hit = resolved.get(url);
  if (hit && now - hit.at < ttl) return hit.jwks;
  const jwks = discover(url, opts.fetch ?? fetch);
  const entry = { at: now, jwks };
  resolved.set(url, entry);
  jwks.catch(() => {
    if (resolved.get(url) === entry) resolved.delete(url);
  });
  return jwks;
}
