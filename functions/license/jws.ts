/**
 * HMAC-signed JWTs for the vendor credentials the proxy itself issues (Axinom X-AxDRM-Message, DRMtoday upfront token),
 * signed with jose (as functions/tokens/issue.ts does) over the key BYTES. Keys shorter than the hash output are
 * refused before signing (RFC 7518 §3.2); jose itself does not enforce that for raw HMAC keys.
 */
import { SignJWT, type JWTPayload } from "jose";
import { KeyplaneError } from "../errors";

export type HmacJwsAlg = "HS256" | "HS384" | "HS512";

/** RFC 7518 §3.2: an HMAC key is at least as long as the hash output. */
export const HMAC_MIN_KEY_BYTES: Readonly<Record<HmacJwsAlg, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Signs `payload` (serialised with JSON.stringify) under the protected header `{alg, ...header}` (alg first, then the
 * caller's members in order). Throws SECRET_INVALID for a short key, JWS_ALG_UNSUPPORTED for anything but HS256/384/512.
 */
export async function signJwtHmac(
  alg: HmacJwsAlg,
  header: Record<string, unknown>,
  payload: object,
  key: Uint8Array,
): Promise<string> {
  const min = HMAC_MIN_KEY_BYTES[alg];
  if (!min)
    throw new KeyplaneError("JWS_ALG_UNSUPPORTED", `Unsupported JWS algorithm ${String(alg)}`, {
      status: 500,
      expose: false,
    });
  if (key.length < min) {
    throw new KeyplaneError("SECRET_INVALID", `${alg} key must be at least ${min} bytes (RFC 7518 §3.2)`, {
      status: 500,
      expose: false,
    });
  }
  const protectedHeader: Record<string, unknown> = { alg, ...header };
  protectedHeader.alg = alg;
  return new SignJWT(payload as JWTPayload).setProtectedHeader(protectedHeader as { alg: HmacJwsAlg }).sign(key);
}
