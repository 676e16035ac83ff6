/**
 * Widevine PSSH data: the `WidevinePsshData` protobuf (proto2) as published in Shaka Packager's
 * `widevine_pssh_data.proto`. Field numbers: algorithm=1 (AESCTR=1), key_id=2 (repeated bytes, big-endian KIDs),
 * provider=3, content_id=4, policy=6, crypto_period_index=7, protection_scheme=9 (4CC as big-endian u32).
 *
 * The decoder (protobufjs, for tests and tools) is in ./widevine-decode.ts, kept out of the function bundles.
 *
 * Box version: `widevinePssh` writes a version 0 box (no KID list in the box header; the KIDs live in the protobuf),
 * which is what Shaka Packager and AWS MediaPackage emit by default and what every Widevine CDM accepts. Pass
 * `boxVersion: 1` to also list the KIDs in the box header.
 */
import { KeyplaneError } from "../errors";
import { KID_LENGTH } from "../keys/kid";
import { buildPssh } from "./pssh";
import { SYSTEM_IDS } from "./systems";

export type ProtectionScheme = "cenc" | "cbcs" | "cens" | "cbc1";

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

/** A WIDEVINE_PSSH_INVALID error (400) for `reason`. */
export function widevinePsshInvalid(reason: string): KeyplaneError {
  return new KeyplaneError("WIDEVINE_PSSH_INVALID", `Invalid Widevine PSSH data: ${reason}`, { status: 400 });
}

export function fourCcToUint32(fourcc: string): number {
  if (!/^[\x20-\x7e]{4}$/.test(fourcc)) throw widevinePsshInvalid(`not a 4CC: ${JSON.stringify(fourcc)}`);
  return Buffer.from(fourcc, "latin1").readUInt32BE(0);
}

export function uint32ToFourCc(n: number): string | undefined {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  const s = b.toString("latin1");
  return /^[\x20-\x7e]{4}$/.test(s) ? s : undefined;
}

/**
 * Protobuf wire encoding (protobuf.dev/programming-guides/encoding): a tag is `field << 3 | wire type` as a varint;
 * wire type 0 is a varint (unsigned values here, at most 32 bits), 2 is a varint length then the bytes.
 */
type WireField =
  | { tag: number; value: number; bytes?: undefined }
  | { tag: number; value?: undefined; bytes: Uint8Array };

function varintSize(n: number): number {
  let size = 1;
  for (let v = n >>> 0; v > 0x7f; v >>>= 7) size++;
  return size;
}

function writeVarint(out: Buffer, o: number, n: number): number {
  let v = n >>> 0;
  while (v > 0x7f) {
    out[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[o++] = v;
  return o;
}

/** Collects the fields, then writes them into one buffer of the exact size. */
class WireWriter {
  private fields: WireField[] = [];
  private size = 0;
  varintField(field: number, value: number): void {
    const tag = field << 3;
    this.fields.push({ tag, value });
    this.size += varintSize(tag) + varintSize(value);
  }
  bytesField(field: number, value: Uint8Array): void {
    const tag = (field << 3) | 2;
    this.fields.push({ tag, bytes: value });
    this.size += varintSize(tag) + varintSize(value.length) + value.length;
  }
  finish(): Buffer {
    const out = Buffer.alloc(this.size);
    let o = 0;
    for (const f of this.fields) {
      o = writeVarint(out, o, f.tag);
      if (f.bytes === undefined) {
        o = writeVarint(out, o, f.value);
      } else {
        o = writeVarint(out, o, f.bytes.length);
        out.set(f.bytes, o);
        o += f.bytes.length;
      }
    }
    return out;
  }
}

/**
 * Encodes `WidevinePsshData` (hand-written wire encoding: no .proto parse at run time). `protection_scheme` is written whenever a scheme is given (including `cenc`), so a
 * player never has to guess; omit the option to leave it out (CDMs then assume `cenc`).
 */
export function widevinePsshData(o: WidevinePsshDataOptions): Buffer {
  if (!Array.isArray(o.kids) || o.kids.length === 0) throw widevinePsshInvalid("at least one KID is required");
  for (const k of o.kids)
    if (!(k instanceof Uint8Array) || k.length !== KID_LENGTH) throw widevinePsshInvalid("every KID must be 16 bytes");
  if (
    o.cryptoPeriodIndex !== undefined &&
    (!Number.isInteger(o.cryptoPeriodIndex) || o.cryptoPeriodIndex < 0 || o.cryptoPeriodIndex > 0xffffffff)
  ) {
    throw widevinePsshInvalid("cryptoPeriodIndex must be a u32");
  }
  if (o.protectionScheme !== undefined && !["cenc", "cbcs", "cens", "cbc1"].includes(o.protectionScheme)) {
    throw widevinePsshInvalid(`unknown protection scheme ${o.protectionScheme}`);
  }
  // Fields in field-number order, as protobuf encoders write them (the tests decode this with protobufjs).
  const w = new WireWriter();
  if (o.algorithm === "AESCTR") w.varintField(1, 1);
  for (const k of o.kids) w.bytesField(2, k);
  if (o.provider !== undefined) w.bytesField(3, Buffer.from(o.provider, "utf8"));
  if (o.contentId !== undefined) w.bytesField(4, o.contentId);
  if (o.policy !== undefined) w.bytesField(6, Buffer.from(o.policy, "utf8"));
  if (o.cryptoPeriodIndex !== undefined) w.varintField(7, o.cryptoPeriodIndex);
  if (o.protectionScheme !== undefined) w.varintField(9, fourCcToUint32(o.protectionScheme));
  return w.finish();
}

/** A complete Widevine PSSH box (version 0 by default; see the module comment). */
export function widevinePssh(o: WidevinePsshDataOptions & { boxVersion?: 0 | 1 }): Buffer {
  const data = widevinePsshData(o);
  const version = o.boxVersion ?? 0;
  return buildPssh({
    version,
    systemId: SYSTEM_IDS.widevine,
    kids: version === 1 ? o.kids : [],
    data,
  });
}
