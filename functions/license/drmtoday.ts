/**
 * castLabs DRMtoday: "Token Authorization" (upfront authorization token) in the `x-dt-auth-token` request header.
 * Source: castLabs DRMtoday documentation, "License Delivery Authorization" (Token Authorization section:
 * fe.drmtoday.com/documentation/integration/license_delivery_authorization.html#upfront-authorization-token) and
 * castLabs' rtc-drm-transform client integration guide, section "Upfront authorization tokens":
 *   - JWT (RFC 7519) signed with a shared secret configured in DRMtoday; HS256, HS384 or HS512 (HS256 recommended);
 *     the secret is shown as a hex string (32 bytes recommended) and its bytes are the HMAC key.
 *   - header: `alg`, `kid` (which shared secret signed it), `typ` = "JWT".
 *   - claims: `jti` (required), `iat` (required), `exp` (optional), `optData` (required), `crt` (required);
 *     `optData` and `crt` are SERIALISED JSON strings: optData = {"merchant": ...}, crt = [Customer Rights Token, ...].
 */
import { randomBytes } from "node:crypto";
import { signJwtHmac, type HmacJwsAlg } from "./jws";

export const DRMTODAY_HEADER = "x-dt-auth-token";

export interface UpfrontTokenInput {
  merchant: string;
  /** Customer Rights Token entries (e.g. `{ assetId, profile: { purchase: {} } }`). */
  crt: Record<string, unknown>[];
  /** The shared secret's id (JWT header `kid`). */
  secretId: string;
  alg: HmacJwsAlg;
  /** Milliseconds since the epoch. */
  now: number;
  ttlSeconds: number;
  /** Unique token id; random 128-bit by default. */
  jti?: string;
}

export interface UpfrontTokenClaims {
  jti: string;
  iat: number;
  exp: number;
  optData: string;
  crt: string;
}

export function upfrontTokenClaims(input: UpfrontTokenInput): UpfrontTokenClaims {
  const iat = Math.floor(input.now / 1000);
  return {
    jti: input.jti ?? randomBytes(16).toString("hex"),
    iat,
    exp: iat + input.ttlSeconds,
    optData: JSON.stringify({ merchant: input.merchant }),
    crt: JSON.stringify(input.crt),
  };
}

export async function signUpfrontToken(input: UpfrontTokenInput, sharedSecret: Uint8Array): Promise<string> {
  return signJwtHmac(input.alg, { kid: input.secretId, typ: "JWT" }, upfrontTokenClaims(input), sharedSecret);
}

export async function drmtodayCredential(
  input: UpfrontTokenInput,
  sharedSecret: Uint8Array,
): Promise<Record<string, string>> {
  return { [DRMTODAY_HEADER]: await signUpfrontToken(input, sharedSecret) };
}

/** CRT entries with `assetId` set from the viewer's token (when the config names the claim). */
export function crtForViewer(
  template: Record<string, unknown>[],
  assetId: string | undefined,
): Record<string, unknown>[] {
  if (assetId === undefined) return template.map((e) => ({ ...e }));
  return template.map((e) => ({ ...e, assetId }));
}
