/**
 * Key IDs (KIDs). A KID is 16 bytes in big-endian UUID order everywhere in Keyplane (CPIX, PSSH KID lists, ClearKey,
 * Widevine). PlayReady alone uses the little-endian GUID form (first 4, next 2, next 2 bytes reversed).
 */
import { decodeCanonicalBase64url } from "../encoding/base64url";
import { KeyplaneError } from "../errors";

export const KID_LENGTH = 16;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX32_RE = /^[0-9a-fA-F]{32}$/;
const B64URL_KID_RE = /^[A-Za-z0-9_-]{22}$/;

function invalid(what: string): KeyplaneError {
  return new KeyplaneError("KID_INVALID", `Invalid KID: ${what}`, { status: 400 });
}

/** Parses a UUID string (`8-4-4-4-12` hex) into 16 big-endian bytes. */
export function kidFromUuid(uuid: string): Buffer {
  if (typeof uuid !== "string" || !UUID_RE.test(uuid))
    throw invalid("expected a UUID like 0123abcd-0123-4567-89ab-0123456789ab");
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}

/** Parses 32 hex digits (no dashes) into 16 bytes. */
export function kidFromHex(hex: string): Buffer {
  if (typeof hex !== "string" || !HEX32_RE.test(hex)) throw invalid("expected 32 hex digits");
  return Buffer.from(hex, "hex");
}

/** Parses unpadded base64url (22 characters, as W3C ClearKey uses) into 16 bytes. Rejects non-canonical encodings. */
export function kidFromBase64url(s: string): Buffer {
  if (typeof s !== "string" || !B64URL_KID_RE.test(s)) throw invalid("expected 22 base64url characters");
  const b = decodeCanonicalBase64url(s);
  if (!b || b.length !== KID_LENGTH) throw invalid("non-canonical base64url");
  return b;
}

/** Accepts a UUID, 32 hex digits or 22-char base64url. */
export function parseKid(s: string): Buffer {
  if (typeof s === "string") {
    if (UUID_RE.test(s)) return kidFromUuid(s);
    if (HEX32_RE.test(s)) return kidFromHex(s);
    if (B64URL_KID_RE.test(s)) return kidFromBase64url(s);
  }
  throw invalid("expected a UUID, 32 hex digits or 22 base64url characters");
}

export function assertKid(b: Uint8Array): Buffer {
  if (!(b instanceof Uint8Array) || b.length !== KID_LENGTH) throw invalid(`expected ${KID_LENGTH} bytes`);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** 16 bytes to the lowercase `8-4-4-4-12` form. */
export function kidToUuid(b: Uint8Array): string {
  const h = Buffer.from(assertKid(b)).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function kidToBase64url(b: Uint8Array): string {
  return assertKid(b).toString("base64url");
}

/**
 * Big-endian UUID bytes <-> little-endian GUID bytes (Microsoft's in-memory GUID layout): the first 4, next 2 and
 * next 2 bytes are reversed, the last 8 stay. The swap is its own inverse.
 */
export function swapGuidEndianness(b: Uint8Array): Buffer {
  const s = assertKid(b);
  const o = Buffer.alloc(KID_LENGTH);
  o[0] = s[3]!;
  o[1] = s[2]!;
  o[2] = s[1]!;
  o[3] = s[0]!;
  o[4] = s[5]!;
  o[5] = s[4]!;
  o[6] = s[7]!;
  o[7] = s[6]!;
  s.copy(o, 8, 8, 16);
  return o;
}

export const toLittleEndianGuid = swapGuidEndianness;
export const fromLittleEndianGuid = swapGuidEndianness;

/** Constant-time-irrelevant equality for public KIDs. */
export function kidEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === KID_LENGTH && b.length === KID_LENGTH && Buffer.from(a).equals(Buffer.from(b));
}
