/**
 * Compact JWS with an HMAC (RFC 7515 §7.1, RFC 7518 §3.2): base64url(header) "." base64url(payload) "." base64url(MAC).
 * The header and payload are signed exactly as given (bytes in, bytes out), so a known-answer vector from RFC 7515
 * Appendix A.1 can be reproduced. Used for vendor credentials the proxy itself issues (Axinom, DRMtoday).
 */
import { createHmac } from "node:crypto";
import { KeyplaneError } from "../errors";

export type HmacJwsAlg = "HS256" | "HS384" | "HS512";

const HASH: Record<HmacJwsAlg, { hash: string; minKeyBytes: number }> = {
  HS256: { hash: "sha256", minKeyBytes: 32 },
  HS384: { hash: "sha384", minKeyBytes: 48 },
  HS512: { hash: "sha512", minKeyBytes: 64 },
};

/** Signs the exact header and payload octets. Keys shorter than the hash output are refused (RFC 7518 §3.2). */
export function signCompactHmac(alg: HmacJwsAlg, header: string | Uint8Array, payload: string | Uint8Array, key: Uint8Array): string {
  const h = HASH[alg];
  if (!h) throw new KeyplaneError("JWS_ALG_UNSUPPORTED", `Unsupported JWS algorithm ${String(alg)}`, { status: 500, expose: false });
  if (key.length < h.minKeyBytes) {
    throw new KeyplaneError("SECRET_INVALID", `${alg} key must be at least ${h.minKeyBytes} bytes (RFC 7518 §3.2)`, { status: 500, expose: false });
  }
  const signingInput = `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  const mac = createHmac(h.hash, key).update(signingInput, "ascii").digest("base64url");
  return `${signingInput}.${mac}`;
}

/** JSON header + JSON payload, serialised with JSON.stringify. */
export function signJwtHmac(alg: HmacJwsAlg, header: Record<string, unknown>, payload: Record<string, unknown>, key: Uint8Array): string {
  const h: Record<string, unknown> = { alg, ...header };
  h.alg = alg;
  return signCompactHmac(alg, JSON.stringify(h), JSON.stringify(payload), key);
}
