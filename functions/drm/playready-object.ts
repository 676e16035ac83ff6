/**
 * PlayReady Object (PRO) framing and the PlayReady PSSH box: the WRMHEADER (playready-header.ts) as a UTF-16LE type-1
 * record in a PRO (little-endian lengths), and the PRO as the data of a `pssh` box with the PlayReady SystemID.
 * Source: Microsoft "PlayReady Header Specification", "PlayReady Object".
 */
import { KeyplaneError } from "../errors";
import { parseWrmHeader, type ParsedWrmHeader } from "./playready-header";
import { buildPssh, parsePssh, type PsshBox } from "./pssh";
import { SYSTEM_IDS } from "./systems";

/** The spec says a PRO "should not exceed 15 kilobytes"; we refuse to build larger ones. */
export const PRO_MAX_BYTES = 15 * 1024;

function err(code: string, message: string): KeyplaneError {
  return new KeyplaneError(code, message, { status: 400 });
}

/** PlayReady Object (little-endian): length u32, record count u16, one record {type 1, length u16, WRMHEADER UTF-16LE}. */
export function playReadyObject(wrmHeaderXml: string): Buffer {
  if (typeof wrmHeaderXml !== "string" || wrmHeaderXml.length === 0)
    throw err("PLAYREADY_OBJECT_INVALID", "The WRMHEADER is empty");
  const valueLength = wrmHeaderXml.length * 2; // UTF-16LE: two bytes per UTF-16 code unit
  const total = 4 + 2 + 2 + 2 + valueLength;
  if (valueLength > 0xffff || total > PRO_MAX_BYTES)
    throw err("PLAYREADY_OBJECT_INVALID", `PlayReady Object would be ${total} bytes (max ${PRO_MAX_BYTES})`);
  const out = Buffer.alloc(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(1, 4);
  out.writeUInt16LE(1, 6);
  out.writeUInt16LE(valueLength, 8);
  out.write(wrmHeaderXml, 10, "utf16le");
  return out;
}

export interface PlayReadyObjectRecord {
  type: number;
  value: Buffer;
}

/** Parses a PlayReady Object; `wrmHeader` is the decoded first type-1 record. Throws `PLAYREADY_OBJECT_INVALID`. */
export function parsePlayReadyObject(buf: Uint8Array): { records: PlayReadyObjectRecord[]; wrmHeader?: string } {
  if (!(buf instanceof Uint8Array)) throw err("PLAYREADY_OBJECT_INVALID", "Expected bytes");
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 6) throw err("PLAYREADY_OBJECT_INVALID", "PlayReady Object is truncated");
  if (b.length > 64 * 1024) throw err("PLAYREADY_OBJECT_INVALID", "PlayReady Object is larger than 64 KiB");
  const length = b.readUInt32LE(0);
  if (length !== b.length)
    throw err("PLAYREADY_OBJECT_INVALID", `PlayReady Object length field ${length} does not match ${b.length} bytes`);
  const count = b.readUInt16LE(4);
  const records: PlayReadyObjectRecord[] = [];
  let o = 6;
  for (let i = 0; i < count; i++) {
    if (b.length - o < 4) throw err("PLAYREADY_OBJECT_INVALID", `record ${i} header is truncated`);
    const type = b.readUInt16LE(o);
    const len = b.readUInt16LE(o + 2);
    o += 4;
    if (len > b.length - o) throw err("PLAYREADY_OBJECT_INVALID", `record ${i} length ${len} exceeds the object`);
    records.push({ type, value: Buffer.from(b.subarray(o, o + len)) });
    o += len;
  }
  if (o !== b.length) throw err("PLAYREADY_OBJECT_INVALID", `${b.length - o} trailing bytes after ${count} records`);
  const rec = records.find((r) => r.type === 1);
  if (!rec) return { records };
  if (rec.value.length % 2 !== 0)
    throw err("PLAYREADY_OBJECT_INVALID", "WRMHEADER record is not UTF-16LE (odd length)");
  let wrm = rec.value.toString("utf16le");
  if (wrm.charCodeAt(0) === 0xfeff) wrm = wrm.slice(1);
  return { records, wrmHeader: wrm };
}

/** PlayReady PSSH box. Version defaults to 1 when KIDs are given (KIDs big-endian in the box), else 0. */
export function playReadyPssh(o: { pro: Buffer; kids?: Buffer[]; version?: 0 | 1 }): Buffer {
  parsePlayReadyObject(o.pro); // refuse garbage early
  return playReadyPsshOfObject(o.pro, o.kids, o.version);
}

/**
 * `playReadyPssh` for a PlayReady Object `playReadyObject` has just built (so it is not parsed again): what SPEKE
 * signalling uses for every new KID.
 */
export function playReadyPsshOfObject(
  pro: Buffer,
  kids: Buffer[] = [],
  version: 0 | 1 = kids.length > 0 ? 1 : 0,
): Buffer {
  const box: PsshBox = { version, systemId: SYSTEM_IDS.playready, kids: version === 1 ? kids : [], data: pro };
  return buildPssh(box);
}

/** Parses a PlayReady PSSH box down to its header fields. */
export function parsePlayReadyPssh(buf: Uint8Array): {
  box: PsshBox;
  pro: ReturnType<typeof parsePlayReadyObject>;
  header?: ParsedWrmHeader;
} {
  const box = parsePssh(buf);
  if (box.systemId !== SYSTEM_IDS.playready)
    throw err("PLAYREADY_OBJECT_INVALID", `PSSH system id ${box.systemId} is not PlayReady`);
  const pro = parsePlayReadyObject(box.data);
  return pro.wrmHeader === undefined ? { box, pro } : { box, pro, header: parseWrmHeader(pro.wrmHeader) };
}
