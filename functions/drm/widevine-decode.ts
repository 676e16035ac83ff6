/**
 * Decoding Widevine PSSH data with protobufjs, from the published `WidevinePsshData` definition: for tests, the lab
 * and tools. Kept apart from the encoder (./widevine.ts) so that the function bundles carry no protobufjs and parse no
 * .proto at run time.
 */
import * as protobuf from "protobufjs";
import { KeyplaneError } from "../errors";
import { KID_LENGTH } from "../keys/kid";
import { parsePssh } from "./pssh";
import { SYSTEM_IDS } from "./systems";
import { uint32ToFourCc, widevinePsshInvalid, type WidevinePsshDataDecoded } from "./widevine";

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

/** Decodes `WidevinePsshData` bytes (the Data of a Widevine PSSH box). Throws `WIDEVINE_PSSH_INVALID`. */
export function decodeWidevinePsshData(buf: Uint8Array): WidevinePsshDataDecoded {
  let m: Record<string, unknown>;
  try {
    const t = widevinePsshDataType();
    m = t.toObject(t.decode(buf), { bytes: Buffer, longs: Number, defaults: false }) as Record<string, unknown>;
  } catch (e) {
    throw new KeyplaneError("WIDEVINE_PSSH_INVALID", "Invalid Widevine PSSH data: not a WidevinePsshData protobuf", {
      status: 400,
      cause: e,
    });
  }
  const kids = ((m.key_id as Uint8Array[] | undefined) ?? []).map((k) => Buffer.from(k));
  if (kids.some((k) => k.length !== KID_LENGTH)) throw widevinePsshInvalid("a key_id is not 16 bytes");
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

/** Parses a Widevine PSSH box and decodes its data. Refuses boxes of another system. */
export function parseWidevinePssh(buf: Uint8Array): WidevinePsshDataDecoded & { boxVersion: 0 | 1; boxKids: Buffer[] } {
  const box = parsePssh(buf);
  if (box.systemId !== SYSTEM_IDS.widevine) throw widevinePsshInvalid(`box system id ${box.systemId} is not Widevine`);
  return { ...decodeWidevinePsshData(box.data), boxVersion: box.version, boxKids: box.kids };
}
