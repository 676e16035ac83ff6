/**
 * Issues viewer tokens: JWTs signed with jose (HS256, RS256 or ES256 per the configured key) carrying iss, aud, sub,
 * iat, nbf, a short exp, jti, and optionally the AMS content key identifier and maxuses claims; or a SWT (HS256 keys
 * only) for legacy players. Keys are imported once when the issuer is created.
 */
import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT, type CryptoKey } from "jose";
import { webcrypto } from "node:crypto";
import { KeyplaneError } from "../errors";
import { kidToUuid } from "../keys/kid";
import { CONTENT_KEY_IDENTIFIER_CLAIM, MAX_USES_CLAIM } from "../policy/model";
import { issueSwt } from "./swt";

export type SigningKeyConfig =
  | { alg: "HS256" /** base64 key bytes, at least 32 */; keyBase64: string; kid?: string }
  | { alg: "RS256" | "ES256" /** PKCS#8 PEM */; privateKeyPem: string; kid?: string };

export interface TokenIssuerConfig {
  issuer: string;
  audience: string;
  signing: SigningKeyConfig;
  /** Default token lifetime in seconds (default 3600). */
  defaultLifetimeSeconds?: number;
  /** Longest lifetime a caller may ask for (default 86400). */
  maxLifetimeSeconds?: number;
}

export interface IssueRequest {
  subject: string;
  /** Milliseconds since the epoch. */
  now: number;
  lifetimeSeconds?: number;
  /** Binds the token to these KIDs (one: the AMS claim as a UUID string; several: an array of UUIDs). */
  kids?: Buffer[];
  maxUses?: number;
  /** Extra claims; cannot override the registered or AMS claims. */
  claims?: Record<string, string | number | boolean>;
}

export interface IssuedToken {
  token: string;
  tokenType: "Jwt" | "Swt";
  expiresIn: number;
}

export interface TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly alg: SigningKeyConfig["alg"];
  issue(tokenType: "Jwt" | "Swt", req: IssueRequest): Promise<IssuedToken>;
}

const RESERVED = new Set([
  "iss",
  "aud",
  "sub",
  "iat",
  "nbf",
  "exp",
  "jti",
  CONTENT_KEY_IDENTIFIER_CLAIM,
  MAX_USES_CLAIM,
]);

function issuerError(message: string): KeyplaneError {
  return new KeyplaneError("TOKEN_ISSUER_CONFIG_INVALID", message, { status: 500, expose: false });
}

export async function createTokenIssuer(cfg: TokenIssuerConfig): Promise<TokenIssuer> {
  const defaultLifetime = cfg.defaultLifetimeSeconds ?? 3600;
  const maxLifetime = cfg.maxLifetimeSeconds ?? 86400;
  if (!(defaultLifetime > 0 && defaultLifetime <= maxLifetime))
    throw issuerError("token lifetime default must be positive and at most the maximum");
  let key: CryptoKey;
  let secret: Buffer | undefined;
  try {
    if (cfg.signing.alg === "HS256") {
      secret = Buffer.from(cfg.signing.keyBase64, "base64");
      if (secret.length < 32) throw issuerError("HS256 signing keys must be at least 32 bytes");
      key = (await webcrypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ])) as CryptoKey;
    } else {
      key = await importPKCS8(cfg.signing.privateKeyPem, cfg.signing.alg);
    }
  } catch (e) {
    if (e instanceof KeyplaneError) throw e;
    throw new KeyplaneError("TOKEN_ISSUER_CONFIG_INVALID", `Cannot import the ${cfg.signing.alg} signing key`, {
      status: 500,
      expose: false,
      cause: e,
    });
  }
  const signing = cfg.signing;

  return {
    issuer: cfg.issuer,
    audience: cfg.audience,
    alg: signing.alg,
    async issue(tokenType, req) {
      const lifetime = Math.floor(req.lifetimeSeconds ?? defaultLifetime);
      if (!(lifetime > 0) || lifetime > maxLifetime) {
        throw new KeyplaneError(
          "TOKEN_LIFETIME_INVALID",
          `Token lifetime must be between 1 and ${maxLifetime} seconds`,
          { status: 400 },
        );
      }
      for (const k of Object.keys(req.claims ?? {})) {
        if (RESERVED.has(k))
          throw new KeyplaneError("TOKEN_CLAIM_RESERVED", `Claim ${k} cannot be set directly`, { status: 400 });
      }
      const iat = Math.floor(req.now / 1000);
      const exp = iat + lifetime;
      const bound = req.kids && req.kids.length > 0 ? req.kids.map(kidToUuid) : undefined;
      if (tokenType === "Swt") {
        if (!secret)
          throw new KeyplaneError("SWT_UNAVAILABLE", "SWT tokens need an HS256 signing key", { status: 400 });
        if (bound && bound.length > 1)
          throw new KeyplaneError("SWT_ONE_KID", "A SWT can be bound to one KID only", { status: 400 });
        const claims: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.claims ?? {})) claims[k] = String(v);
        claims.sub = req.subject;
        if (bound) claims[CONTENT_KEY_IDENTIFIER_CLAIM] = bound[0]!;
        if (req.maxUses !== undefined) claims[MAX_USES_CLAIM] = String(req.maxUses);
        return {
          token: issueSwt({ issuer: cfg.issuer, audience: cfg.audience, expiresOn: exp, claims }, secret),
          tokenType,
          expiresIn: lifetime,
        };
      }
      const payload: Record<string, unknown> = { ...(req.claims ?? {}) };
      if (bound) payload[CONTENT_KEY_IDENTIFIER_CLAIM] = bound.length === 1 ? bound[0] : bound;
      if (req.maxUses !== undefined) payload[MAX_USES_CLAIM] = req.maxUses;
      const jwt = await new SignJWT(payload)
        .setProtectedHeader({ alg: signing.alg, typ: "JWT", ...(signing.kid ? { kid: signing.kid } : {}) })
        .setIssuer(cfg.issuer)
        .setAudience(cfg.audience)
        .setSubject(req.subject)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(key);
      return { token: jwt, tokenType, expiresIn: lifetime };
    },
  };
}
