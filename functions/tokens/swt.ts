/**
 * Simple Web Token (SWT 0.9.5.1, Microsoft; the legacy Azure Media Services token format): form-encoded claims, then
 * `Audience`, `ExpiresOn` (Unix seconds), `Issuer`, then `&HMACSHA256=` and the URL-encoded base64 HMAC-SHA256 of
 * everything before that parameter. Verification compares decoded MAC bytes in constant time and refuses
 * non-canonical base64 (so one token cannot be re-encoded into "another").
 */
import { createHmac, timingSafeEqual, type KeyObject } from "node:crypto";
import type { TokenRestriction } from "../policy/model";
import { checkClaims, timeClaimsError } from "./claims";
import { tokenError } from "./errors";
import { importVerificationKey } from "./keys";
import { replayIdFor, type VerifiedToken } from "./verified-token";

const MAC_PARAM = "&HMACSHA256=";
const RESERVED = new Set(["Audience", "ExpiresOn", "Issuer", "HMACSHA256"]);

export interface SwtIssueInput {
  issuer: string;
  audience: string;
  /** Unix seconds. */
  expiresOn: number;
  /** Extra claims, written before the standard ones (in insertion order). */
  claims?: Record<string, string>;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Builds and signs a SWT with a symmetric key. */
export function issueSwt(input: SwtIssueInput, key: Uint8Array): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(input.claims ?? {})) {
    if (RESERVED.has(k)) throw new Error(`SWT claim name ${k} is reserved`);
    parts.push(`${enc(k)}=${enc(v)}`);
  }
  parts.push(
    `Audience=${enc(input.audience)}`,
    `ExpiresOn=${Math.floor(input.expiresOn)}`,
    `Issuer=${enc(input.issuer)}`,
  );
  const unsigned = parts.join("&");
  const mac = createHmac("sha256", key).update(unsigned, "utf8").digest("base64");
  return `${unsigned}${MAC_PARAM}${enc(mac)}`;
}

export interface ParsedSwt {
  /** The signed part (everything before `&HMACSHA256=`). */
  unsigned: string;
  /** Decoded MAC bytes (32). */
  mac: Buffer;
  /** Every parameter of the signed part, decoded, including Audience/ExpiresOn/Issuer. */
  claims: Record<string, string>;
}

/** Splits a SWT and decodes its parameters; throws TOKEN_MALFORMED. Does not check the MAC. */
export function parseSwt(token: string): ParsedSwt {
  const i = token.lastIndexOf(MAC_PARAM);
  if (i <= 0) throw tokenError("TOKEN_MALFORMED", "SWT has no HMACSHA256 parameter");
  const unsigned = token.slice(0, i);
  let macText: string;
  try {
    macText = decodeURIComponent(token.slice(i + MAC_PARAM.length));
  } catch {
    throw tokenError("TOKEN_MALFORMED", "SWT HMACSHA256 is not URL-encoded");
  }
  const mac = Buffer.from(macText, "base64");
  if (mac.length !== 32 || mac.toString("base64") !== macText)
    throw tokenError("TOKEN_MALFORMED", "SWT HMACSHA256 must be canonical base64 of 32 bytes");
  const claims: Record<string, string> = Object.create(null);
  for (const pair of unsigned.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw tokenError("TOKEN_MALFORMED", "SWT parameter without a name or value");
    let k: string, v: string;
    try {
      k = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, " "));
      v = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, " "));
    } catch {
      throw tokenError("TOKEN_MALFORMED", "SWT parameter is not URL-encoded");
    }
    if (k in claims) throw tokenError("TOKEN_MALFORMED", "SWT repeats a parameter");
    claims[k] = v;
  }
  return { unsigned, mac, claims };
}

/** Constant-time check of the SWT MAC with one key. */
export function swtMacMatches(parsed: ParsedSwt, key: Uint8Array | KeyObject): boolean {
  const expected = createHmac("sha256", key).update(parsed.unsigned, "utf8").digest();
  return timingSafeEqual(expected, parsed.mac);
}

/**
 * Verifies a SWT against a token restriction: HMAC-SHA256 with the symmetric keys (primary, then each alternate),
 * Issuer, Audience, ExpiresOn (expired, or more than `maxTokenLifetimeSeconds` + skew ahead, is refused).
 */
export async function verifySwt(
  token: string,
  r: TokenRestriction,
  nowMs: number,
  skew: number,
): Promise<VerifiedToken> {
  const parsed = parseSwt(token);
  const keys = [r.primaryVerificationKey, ...r.alternateVerificationKeys];
  let verifiedBy: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k?.type !== "Symmetric") continue;
    const imported = await importVerificationKey(k);
    if (imported.alg === "HS256" && swtMacMatches(parsed, imported.key)) {
      verifiedBy =
        i === 0 && r.primaryVerificationKey ? "primary" : `alternate:${r.primaryVerificationKey ? i - 1 : i}`;
      break;
    }
  }
  if (!verifiedBy) throw tokenError("TOKEN_INVALID", "Token signature is not valid");
  const c = parsed.claims;
  if (c.Issuer !== r.issuer) throw tokenError("TOKEN_CLAIM_INVALID", "Token Issuer does not match the policy");
  if (c.Audience !== r.audience) throw tokenError("TOKEN_CLAIM_INVALID", "Token Audience does not match the policy");
  const expText = c.ExpiresOn;
  if (expText === undefined || !/^\d{1,12}$/.test(expText))
    throw tokenError("TOKEN_CLAIM_INVALID", "Token ExpiresOn is required");
  const exp = Number(expText);
  if (nowMs / 1000 - skew >= exp) throw tokenError("TOKEN_EXPIRED", "Token has expired");
  const claims: Record<string, unknown> = { ...c };
  const v: VerifiedToken = {
    tokenType: "Swt",
    claims,
    issuer: r.issuer,
    expiresAt: exp,
    verifiedBy,
    replayId: replayIdFor("swt", parsed.mac),
    ...checkClaims(claims, exp, r),
  };
  // ExpiresOn - now is capped like a JWT's exp (a SWT has no iat/nbf; its string claims are not read as such).
  const timeErr = timeClaimsError(v, r, nowMs, skew);
  if (timeErr) throw timeErr;
  return v;
}
