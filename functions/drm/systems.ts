/**
 * DRM system identifiers (the `SystemID` of PSSH boxes, CPIX `DRMSystem@systemId`, MPD `urn:uuid:` schemes).
 * Sources: DASH-IF content protection identifier registry, AWS SPEKE docs (hlsAes128), W3C EME common PSSH format.
 * This is the one table of DRM system ids; other vocabularies (AWS MediaPackage's upper-case enum names) map onto these
 * names at their boundary (components/aws/mediapackage-encryption.ts).
 */
import { KeyplaneError } from "../errors";

export const SYSTEM_IDS = {
  widevine: "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  playready: "9a04f079-9840-4286-ab92-e65be0885f95",
  fairplay: "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
  /** Clear Key AES-128 for HLS (MediaPackage v2). */
  clearKeyAes128: "3ea8778f-7742-4bf9-b18b-e834b2acbd47",
  /** AWS-specific HLS AES-128 id used by SPEKE v1. */
  hlsAes128: "81376844-f976-481e-a84e-cc25d39b0b33",
  /** W3C "common" PSSH system id (ClearKey init data in the PSSH box). */
  w3cCommon: "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b",
} as const;

/** The DASH-IF ClearKey MPD scheme (different from the W3C common PSSH system id). */
export const DASHIF_CLEARKEY_SCHEME = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
/** The MPEG Common Encryption MPD scheme that carries `cenc:default_KID`. */
export const MP4_PROTECTION_SCHEME = "urn:mpeg:dash:mp4protection:2011";

export type DrmSystemName = keyof typeof SYSTEM_IDS;
export type SystemId = (typeof SYSTEM_IDS)[DrmSystemName];

const BY_ID: ReadonlyMap<string, DrmSystemName> = new Map(
  (Object.keys(SYSTEM_IDS) as DrmSystemName[]).map((name) => [SYSTEM_IDS[name], name]),
);

/** Normalises a system id (case-insensitive, optional `urn:uuid:` prefix) to the lowercase UUID form, or undefined. */
export function normalizeSystemId(systemId: string): string | undefined {
  if (typeof systemId !== "string") return undefined;
  if (BY_ID.has(systemId)) return systemId; // a registered id already in canonical form: the common case, no regex
  let s = systemId.trim().toLowerCase();
  if (s.startsWith("urn:uuid:")) s = s.slice(9);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) ? s : undefined;
}

/** The Keyplane name of a known DRM system id (case-insensitive; `urn:uuid:` prefix allowed), else undefined. */
export function drmSystemName(systemId: string): DrmSystemName | undefined {
  const known = BY_ID.get(systemId);
  if (known !== undefined) return known;
  const s = normalizeSystemId(systemId);
  return s === undefined ? undefined : BY_ID.get(s);
}

/** 16 bytes of a system id (big-endian, as written in PSSH boxes). */
export function systemIdBytes(systemId: string): Buffer {
  const s = normalizeSystemId(systemId);
  if (s === undefined)
    throw new KeyplaneError("SYSTEM_ID_INVALID", "Invalid DRM systemId: expected a UUID", { status: 400 });
  return Buffer.from(s.replace(/-/g, ""), "hex");
}

/** The lowercase UUID form of 16 system id bytes. */
export function systemIdFromBytes(b: Uint8Array): string {
  const h = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
