/**
 * Turns policy verification keys into ready-to-use crypto keys, once per key object (cached), with the one JWS
 * algorithm each key type may verify: HS256 for symmetric keys, RS256 for RSA and X.509. The token never chooses.
 */
import { importJWK, importX509, type CryptoKey } from "jose";
import { createSecretKey, type KeyObject } from "node:crypto";
import { KeyplaneError } from "../errors";
import type { VerificationKey } from "../policy/model";

export type PinnedAlg = "HS256" | "RS256";

/**
 * Symmetric keys become node:crypto KeyObjects (JWT HS256 and SWT MACs run on Node's HMAC, see hs256.ts; jose accepts
 * them too); public keys become the CryptoKeys jose's `jwtVerify` uses.
 */
export type ImportedKey = { alg: "HS256"; key: KeyObject } | { alg: "RS256"; key: CryptoKey };

export function pinnedAlg(k: VerificationKey): PinnedAlg {
  return k.type === "Symmetric" ? "HS256" : "RS256";
}

const cache = new WeakMap<VerificationKey, Promise<ImportedKey>>();

/** Imports a verification key (cached on the key object, so a loaded policy parses each key once). */
export function importVerificationKey(k: VerificationKey): Promise<ImportedKey> {
  let p = cache.get(k);
  if (!p) {
    p = doImport(k).catch((e) => {
      cache.delete(k);
      throw e;
    });
    cache.set(k, p);
  }
  return p;
}

async function doImport(k: VerificationKey): Promise<ImportedKey> {
  try {
    switch (k.type) {
      case "Symmetric": {
        return { alg: "HS256", key: createSecretKey(Buffer.from(k.keyValue, "base64")) };
      }
      case "Rsa": {
        const jwk = { kty: "RSA", n: b64ToB64url(k.modulus), e: b64ToB64url(k.exponent) };
        return { alg: "RS256", key: (await importJWK(jwk, "RS256")) as CryptoKey };
      }
      case "X509":
        return { alg: "RS256", key: await importX509(toPem(k.rawBody), "RS256") };
    }
  } catch (e) {
    throw new KeyplaneError("POLICY_KEY_INVALID", `Cannot import ${k.type} verification key: ${(e as Error).message}`, {
      status: 500,
      expose: false,
      cause: e,
    });
  }
}

function b64ToB64url(s: string): string {
  return Buffer.from(s, "base64").toString("base64url");
}

/** Accepts PEM text or base64 DER (AMS `rawBody`) and returns PEM. */
export function toPem(rawBody: string): string {
  const t = rawBody.trim();
  if (t.startsWith("-----BEGIN CERTIFICATE-----")) return t;
  const der = Buffer.from(t.replace(/\s+/g, ""), "base64");
  if (der.length === 0) throw new Error("empty certificate");
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----`;
}
