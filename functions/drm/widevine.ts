/**
 * Widevine PSSH data: the `WidevinePsshData` protobuf (proto2) as published in Shaka Packager's
 * `widevine_pssh_data.proto`. Field numbers: algorithm=1 (AESCTR=1), key_id=2 (repeated bytes, big-endian KIDs),
 * provider=3, content_id=4, policy=6, crypto_period_index=7, protection_scheme=9 (4CC as big-endian u32).
 *
 * Box version: `widevinePssh` writes a version 0 box (no KID list in the box header; the KIDs live in the protobuf),
 * which is what Shaka Packager and AWS MediaPackage emit by default and what every Widevine CDM accepts. Pass
 * `boxVersion: 1` to also list the KIDs in the box header.
 */
import * as protobuf from "protobufjs";
import { KeyplaneError } from "../errors";
import { KID_LENGTH } from "../keys/kid";
import { buildPssh, parsePssh } from "./pssh";
import { SYSTEM_IDS } from "./systems";

export type ProtectionScheme = "cenc" | "cbcs" | "cens" | "cbc1";

const PROTO = `
syntax = "proto2";
message WidevinePsshData {
  enum Algorithm { UNENCRYPTED = 0; AESCTR = 1; }
  optional Algorithm algorithm = 1;
  repeated bytes key_id = 2;
  optional string provider = 3;
  optional bytes content_id = 4;
  optional string policy = 6;
  optional uint32 crypto_period_index = 7;
  optional bytes grouped_license = 8;
  optional uint32 protection_scheme = 9;
  optional uint32 crypto_period_seconds = 10;
}
`;

let cached: protobuf.Type | undefined;
/** The reflected `WidevinePsshData` type (built once from the proto text above). */
export function widevinePsshDataType(): protobuf.Type {
  if (!cached) cached = protobuf.parse(PROTO, { keepCase: true }).root.lookupType("WidevinePsshData");
  return cached;
}

export interface WidevinePsshDataOptions {
  kids: Buffer[];
  contentId?: Buffer;
  provider?: string;
  protectionScheme?: ProtectionScheme;
  cryptoPeriodIndex?: number;
  /** Sets the deprecated `algorithm` field (1 = AESCTR). Omitted by default, as Shaka Packager does. */
  algorithm?: "AESCTR";
  policy?: string;
}

export interface WidevinePsshDataDecoded {
  algorithm?: number;
  kids: Buffer[];
  provider?: string;
  contentId?: Buffer;
  policy?: string;
  cryptoPeriodIndex?: number;
  /** The raw u32 value. */
  protectionSchemeValue?: number;
  /** The 4CC, when the value is four printable ASCII characters. */
  protectionScheme?: string;
}

function invalid(reason: string): KeyplaneError {
  return new KeyplaneError("WIDEVINE_PSSH_INVALID", `Invalid Widevine PSSH data: ${reason}`, { status: 400 });
}

export function fourCcToUint32(fourcc: string): number {
  if (!/^[\x20-\x7e]{4}$/.test(fourcc)) throw invalid(`not a 4CC: ${JSON.stringify(fourcc)}`);
  return Buffer.from(fourcc, "latin1").readUInt32BE(0);
}

export function uint32ToFourCc(n: number): string | undefined {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  const s = b.toString("latin1");
  return /^[\x20-\x7e]{4}$/.test(s) ? s : undefined;
}

/**
 * Encodes `WidevinePsshData`. `protection_scheme` is written whenever a scheme is given (including `cenc`), so a
 * player never has to guess; omit the option to leave it out (CDMs then assume `cenc`).
 */
export function widevinePsshData(o: WidevinePsshDataOptions): Buffer {
  if (!Array.isArray(o.kids) || o.kids.length === 0) throw invalid("at least one KID is required");
  for (const k of o.kids) if (!(k instanceof Uint8Array) || k.length !== KID_LENGTH) throw invalid("every KID must be 16 bytes");
  const msg: Record<string, unknown> = { key_id: o.kids.map((k) => Buffer.from(k)) };
  if (o.algorithm === "AESCTR") msg.algorithm = 1;
  if (o.provider !== undefined) msg.provider = o.provider;
  if (o.contentId !== undefined) msg.content_id = Buffer.from(o.contentId);
  if (o.policy !== undefined) msg.policy = o.policy;
  if (o.cryptoPeriodIndex !== undefined) {
    if (!Number.isInteger(o.cryptoPeriodIndex) || o.cryptoPeriodIndex < 0 || o.cryptoPeriodIndex > 0xffffffff) {
      throw invalid("cryptoPeriodIndex must be a u32");
    }
    msg.crypto_period_index = o.cryptoPeriodIndex;
  }
  if (o.protectionScheme !== undefined) {
    if (!["cenc", "cbcs", "cens", "cbc1"].includes(o.protectionScheme)) throw invalid(`unknown protection scheme ${o.protectionScheme}`);
    msg.protection_scheme = fourCcToUint32(o.protectionScheme);
  }
  const t = widevinePsshDataType();
  return Buffer.from(t.encode(t.fromObject(msg)).finish());
}

/** Decodes `WidevinePsshData` bytes (the Data of a Widevine PSSH box). Throws `WIDEVINE_PSSH_INVALID`. */
export function decodeWidevinePsshData(buf: Uint8Array): WidevinePsshDataDecoded {
  let m: Record<string, unknown>;
  try {
    const t = widevinePsshDataType();
    m = t.toObject(t.decode(buf), { bytes: Buffer, longs: Number, defaults: false }) as Record<string, unknown>;
  } catch (e) {
    throw new KeyplaneError("WIDEVINE_PSSH_INVALID", "Invalid Widevine PSSH data: not a WidevinePsshData protobuf", { status: 400, cause: e });
  }
  const kids = ((m.key_id as Uint8Array[] | undefined) ?? []).map((k) => Buffer.from(k));
  if (kids.some((k) => k.length !== KID_LENGTH)) throw invalid("a key_id is not 16 bytes");
  const out: WidevinePsshDataDecoded = { kids };
  if (typeof m.algorithm === "number") out.algorithm = m.algorithm;
  if (typeof m.provider === "string") out.provider = m.provider;
  if (m.content_id instanceof Uint8Array) out.contentId = Buffer.from(m.content_id);
  if (typeof m.policy === "string") out.policy = m.policy;
  if (typeof m.crypto_period_index === "number") out.cryptoPeriodIndex = m.crypto_period_index;
  if (typeof m.protection_scheme === "number") {
    out.protectionSchemeValue = m.protection_scheme;
    const cc = uint32ToFourCc(m.protection_scheme);
    if (cc !== undefined) out.protectionScheme = cc;
  }
  return out;
}

/** A complete Widevine PSSH box (version 0 by default; see the module comment). */
export function widevinePssh(o: WidevinePsshDataOptions & { boxVersion?: 0 | 1 }): Buffer {
  const data = widevinePsshData(o);
  const version = o.boxVersion ?? 0;
  return buildPssh({ version, systemId: SYSTEM_IDS.widevine, kids: version === 1 ? o.kids.map((k) => Buffer.from(k)) : [], data });
}

/** Parses a Widevine PSSH box and decodes its data. Refuses boxes of another system. */
export function parseWidevinePssh(buf: Uint8Array): WidevinePsshDataDecoded & { boxVersion: 0 | 1; boxKids: Buffer[] } {
  const box = parsePssh(buf);
  if (box.systemId !== SYSTEM_IDS.widevine) throw invalid(`box system id ${box.systemId} is not Widevine`);
  return { ...decodeWidevinePsshData(box.data), boxVersion: box.version, boxKids: box.kids };
}
