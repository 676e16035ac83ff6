/**
 * The ISO/IEC 23001-7 (Common Encryption) `pssh` box. All integers big-endian:
 * size u32, type "pssh", version u8, flags u24 (0), SystemID 16 bytes; version 1 adds KID_count u32 and the KIDs
 * (16 bytes each, big-endian UUID order); then DataSize u32 and Data.
 */
import { KeyplaneError } from "../errors";
import { KID_LENGTH } from "../keys/kid";
import { systemIdBytes, systemIdFromBytes } from "./systems";

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

function invalid(reason: string): KeyplaneError {
  return new KeyplaneError("PSSH_INVALID", `Invalid PSSH box: ${reason}`, { status: 400 });
}

/** Serialises a PSSH box. Refuses KIDs in a version 0 box and KIDs that are not 16 bytes. */
export function buildPssh(box: PsshBox): Buffer {
  if (box.version !== 0 && box.version !== 1) throw invalid("version must be 0 or 1");
  const kids = box.kids ?? [];
  if (box.version === 0 && kids.length > 0) throw invalid("a version 0 box cannot carry KIDs");
  for (const k of kids)
    if (!(k instanceof Uint8Array) || k.length !== KID_LENGTH) throw invalid("every KID must be 16 bytes");
  let sid: Buffer;
  try {
    sid = systemIdBytes(box.systemId);
  } catch {
    throw invalid("systemId must be a UUID");
  }
  const data = box.data ?? Buffer.alloc(0);
  const size = HEADER + (box.version === 1 ? 4 + KID_LENGTH * kids.length : 0) + 4 + data.length;
  if (size > PSSH_MAX_BYTES) throw invalid(`box would be ${size} bytes (max ${PSSH_MAX_BYTES})`);
  const out = Buffer.alloc(size);
  let o = 0;
  out.writeUInt32BE(size, o);
  o += 4;
  out.write("pssh", o, "latin1");
  o += 4;
  out.writeUInt32BE(box.version << 24, o);
  o += 4; // version u8 + flags u24 = 0
  sid.copy(out, o);
  o += 16;
  if (box.version === 1) {
    out.writeUInt32BE(kids.length, o);
    o += 4;
    for (const k of kids) {
      Buffer.from(k).copy(out, o);
      o += KID_LENGTH;
    }
  }
  out.writeUInt32BE(data.length, o);
  o += 4;
  Buffer.from(data).copy(out, o);
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
