/**
 * The ISO/IEC 23001-7 (Common Encryption) `pssh` box. All integers big-endian:
 * size u32, type "pssh", version u8, flags u24 (0), SystemID 16 bytes; version 1 adds KID_count u32 and the KIDs
 * (16 bytes each, big-endian UUID order); then DataSize u32 and Data.
 */
import { KeyplaneError } from "../errors";
import { KID_LENGTH } from "../keys/kid";
import { SYSTEM_IDS, systemIdBytes, systemIdFromBytes } from "./systems";

export interface PsshBox {
  version: 0 | 1;
  /** Lowercase UUID form. */
  systemId: string;
  /** Big-endian KIDs; only written for version 1 (must be empty for version 0). */
  kids: Buffer[];
  data: Buffer;
}

/** Upper bound for one PSSH box we build or parse (PlayReady objects are at most 64 KiB; this leaves room). */
export const PSSH_MAX_BYTES = 256 * 1024;
const HEADER = 8 + 4 + 16;
const EMPTY = Buffer.alloc(0);

function invalid(reason: string): KeyplaneError {
  return new KeyplaneError("PSSH_INVALID", `Invalid PSSH box: ${reason}`, { status: 400 });
}

/** The 16 SystemID bytes of each registered system, parsed on first use (read only: copied into each box). */
const knownSystemIdBytes = new Map<string, Buffer>();
function registeredSystemIdBytes(systemId: string): Buffer | undefined {
  let b = knownSystemIdBytes.get(systemId);
  if (b === undefined && (Object.values(SYSTEM_IDS) as string[]).includes(systemId))
    knownSystemIdBytes.set(systemId, (b = systemIdBytes(systemId)));
  return b;
}

/** Serialises a PSSH box. Refuses KIDs in a version 0 box and KIDs that are not 16 bytes. */
export function buildPssh(box: PsshBox): Buffer {
  if (box.version !== 0 && box.version !== 1) throw invalid("version must be 0 or 1");
  const kids = box.kids ?? [];
  if (box.version === 0 && kids.length > 0) throw invalid("a version 0 box cannot carry KIDs");
  for (const k of kids)
    if (!(k instanceof Uint8Array) || k.length !== KID_LENGTH) throw invalid("every KID must be 16 bytes");
  let sid = registeredSystemIdBytes(box.systemId);
  if (sid === undefined) {
    try {
      sid = systemIdBytes(box.systemId);
    } catch {
      throw invalid("systemId must be a UUID");
    }
  }
  const data = box.data ?? EMPTY;
  const size = HEADER + (box.version === 1 ? 4 + KID_LENGTH * kids.length : 0) + 4 + data.length;
  if (size > PSSH_MAX_BYTES) throw invalid(`box would be ${size} bytes (max ${PSSH_MAX_BYTES})`);
  // One allocation; every byte is written below (the zero fill covers the flags).
  const out = Buffer.alloc(size);
  out.writeUInt32BE(size, 0);
  out.write("pssh", 4, "latin1");
  out[8] = box.version; // version u8, then flags u24 = 0
  out.set(sid, 12);
  let o = HEADER;
  if (box.version === 1) {
    out.writeUInt32BE(kids.length, o);
    o += 4;
    for (const k of kids) {
      out.set(k, o);
      o += KID_LENGTH;
    }
  }
  out.writeUInt32BE(data.length, o);
  out.set(data, o + 4);
  return out;
}

/** Parses one box at `offset`; returns the box and its total size. */
function parseAt(b: Buffer, offset: number): { box: PsshBox; size: number } {
  const remaining = b.length - offset;
  if (remaining < HEADER + 4) throw invalid("truncated header");
  const size = b.readUInt32BE(offset);
  if (size === 0 || size === 1) throw invalid("size 0 (to end) and 64-bit sizes are not supported");
  if (size < HEADER + 4 || size > remaining)
    throw invalid(`declared size ${size} does not fit the ${remaining} available bytes`);
  if (size > PSSH_MAX_BYTES) throw invalid(`box is ${size} bytes (max ${PSSH_MAX_BYTES})`);
  if (b.toString("latin1", offset + 4, offset + 8) !== "pssh") throw invalid("box type is not 'pssh'");
  const version = b.readUInt8(offset + 8);
  if (version !== 0 && version !== 1) throw invalid(`unsupported version ${version}`);
  if (b.readUIntBE(offset + 9, 3) !== 0) throw invalid("flags must be 0");
  const systemId = systemIdFromBytes(b.subarray(offset + 12, offset + 28));
  const end = offset + size;
  let o = offset + 28;
  const kids: Buffer[] = [];
  if (version === 1) {
    if (end - o < 4) throw invalid("truncated KID count");
    const count = b.readUInt32BE(o);
    o += 4;
    if (count > (end - o - 4) / KID_LENGTH) throw invalid(`KID count ${count} exceeds the box`);
    for (let i = 0; i < count; i++) {
      kids.push(Buffer.from(b.subarray(o, o + KID_LENGTH)));
      o += KID_LENGTH;
    }
  }
  if (end - o < 4) throw invalid("truncated DataSize");
  const dataSize = b.readUInt32BE(o);
  o += 4;
  if (dataSize !== end - o) throw invalid(`DataSize ${dataSize} does not match the ${end - o} remaining bytes`);
  return { box: { version, systemId, kids, data: Buffer.from(b.subarray(o, end)) }, size };
}

function toBuffer(buf: Uint8Array): Buffer {
  if (!(buf instanceof Uint8Array)) throw invalid("expected bytes");
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Parses exactly one PSSH box (trailing bytes are refused). Throws KeyplaneError `PSSH_INVALID`. */
export function parsePssh(buf: Uint8Array): PsshBox {
  const b = toBuffer(buf);
  const { box, size } = parseAt(b, 0);
  if (size !== b.length) throw invalid(`${b.length - size} trailing bytes after the box`);
  return box;
}

/** Parses concatenated PSSH boxes (EME `cenc` init data, a `moov`'s pssh run). At most `maxBoxes` boxes. */
export function parsePsshList(buf: Uint8Array, maxBoxes = 32): PsshBox[] {
  const b = toBuffer(buf);
  const out: PsshBox[] = [];
  let o = 0;
  while (o < b.length) {
    if (out.length >= maxBoxes) throw invalid(`more than ${maxBoxes} boxes`);
    const { box, size } = parseAt(b, o);
    out.push(box);
    o += size;
  }
  return out;
}
