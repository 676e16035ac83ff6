/**
 * Axinom DRM: the license request carries `X-AxDRM-Message`, a JWT (HS256, signed with the communication key's BYTES)
 * whose payload is a License Service Message
 *   { version: 1, com_key_id, id?, begin_date?, expiration_date?, message: <Entitlement Message v2> }
 * and the entitlement message is
 *   { type: "entitlement_message", version: 2, license?: {...}, content_keys_source: { inline: [{ id }] } }.
 * Source: Axinom DRM documentation, "License Service Message" and "Entitlement Message" (docs.axinom.com), and the
 * tokens published in github.com/Axinom/public-test-vectors. The proxy lists only the KIDs the viewer is entitled to
 * and keeps each message short-lived (`expiration_date`).
 */
import { randomUUID } from "node:crypto";
import { compactVerify } from "jose";
import { KeyplaneError } from "../errors";
import { kidToUuid } from "../keys/kid";
import { decodeCanonicalBase64url } from "../encoding/base64url";
import { signJwtHmac } from "./jws";

export const AXINOM_HEADER = "X-AxDRM-Message";
export const AXINOM_COM_KEY_BYTES = 32;

export interface AxinomMessageInput {
  comKeyId: string;
  /** Entitled KIDs (16 bytes each, big-endian UUID order). */
  kids: Uint8Array[];
  /** Milliseconds since the epoch. */
  now: number;
  ttlSeconds: number;
  /** Entitlement Message v2 `license` section. */
  license?: Record<string, unknown>;
  /** Message id; random by default. */
  id?: string;
}

export interface AxinomLicenseServiceMessage {
  version: 1;
  com_key_id: string;
  id: string;
  expiration_date: string;
  message: {
    type: "entitlement_message";
    version: 2;
    license?: Record<string, unknown>;
    content_keys_source: { inline: { id: string }[] };
  };
}

/** ISO 8601 UTC without fractional seconds (`2025-04-28T12:23:40Z`), as in Axinom's examples. */
export function axinomDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function buildAxinomMessage(input: AxinomMessageInput): AxinomLicenseServiceMessage {
  if (input.kids.length === 0) throw new KeyplaneError("NOT_ENTITLED", "No content keys to entitle", { status: 403 });
  const message: AxinomLicenseServiceMessage["message"] = {
    type: "entitlement_message",
    version: 2,
    ...(input.license ? { license: input.license } : {}),
    content_keys_source: { inline: input.kids.map((k) => ({ id: kidToUuid(k) })) },
  };
  return {
    version: 1,
    com_key_id: input.comKeyId,
    id: input.id ?? randomUUID(),
    expiration_date: axinomDate(input.now + input.ttlSeconds * 1000),
    message,
  };
}

/** Signs a License Service Message: header `{"alg":"HS256","typ":"JWT"}`, HMAC-SHA256 with the communication key bytes. */
export async function signAxinomMessage(msg: AxinomLicenseServiceMessage, comKey: Uint8Array): Promise<string> {
  if (comKey.length !== AXINOM_COM_KEY_BYTES) {
    throw new KeyplaneError("SECRET_INVALID", `Axinom communication key must be ${AXINOM_COM_KEY_BYTES} bytes`, {
      status: 500,
      expose: false,
    });
  }
  return signJwtHmac("HS256", { typ: "JWT" }, msg, comKey);
}

/** The request header for one license request. */
export async function axinomCredential(input: AxinomMessageInput, comKey: Uint8Array): Promise<Record<string, string>> {
  return { [AXINOM_HEADER]: await signAxinomMessage(buildAxinomMessage(input), comKey) };
}

export interface DecodedAxinomMessage {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Inline content key ids, as written. */
  kidIds: string[];
}

/** Decodes (does not verify) an `X-AxDRM-Message` value. Throws AXINOM_MESSAGE_MALFORMED. */
export function decodeAxinomMessage(jwt: string): DecodedAxinomMessage {
  const bad = (why: string) =>
    new KeyplaneError("AXINOM_MESSAGE_MALFORMED", `Not an Axinom license service message: ${why}`, { status: 400 });
  const parts = jwt.split(".");
  if (parts.length !== 3) throw bad("expected three JWS segments");
  let header: unknown, payload: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    throw bad("segments are not base64url JSON");
  }
  if (!header || typeof header !== "object" || !payload || typeof payload !== "object")
    throw bad("header and payload must be objects");
  const p = payload as Record<string, unknown>;
  const m = p.message as Record<string, unknown> | undefined;
  const inline = (m?.content_keys_source as { inline?: unknown } | undefined)?.inline;
  const kidIds = Array.isArray(inline)
    ? inline.map((e) => (e as { id?: unknown })?.id).filter((x): x is string => typeof x === "string")
    : [];
  return { header: header as Record<string, unknown>, payload: p, kidIds };
}

/** HS256 check of an `X-AxDRM-Message` with communication key bytes, by jose (header must say HS256; the signature
 * segment must be canonical base64url so one message has one accepted spelling). */
export async function verifyAxinomSignature(jwt: string, comKey: Uint8Array): Promise<boolean> {
  const parts = jwt.split(".");
  if (parts.length !== 3 || !decodeCanonicalBase64url(parts[2]!)) return false;
  try {
    await compactVerify(jwt, comKey, { algorithms: ["HS256"] });
    return true;
  } catch {
    return false;
  }
}
