/**
 * ISO BMFF box reading and writing: just enough structure for the CENC encryptor (ISO/IEC 14496-12).
 * Boxes are parsed into a tree where container boxes hold children and leaves keep their payload bytes.
 */
import { KeyplaneError } from "../../functions/errors";

export interface Box {
  type: string;
  /** Payload after the 8/16-byte header (for containers: the bytes before the first child, e.g. sample-entry fields). */
  data: Buffer;
  /** Children for container boxes; undefined for leaves. */
  children?: Box[];
}

/** Container boxes whose payload is only child boxes. */
const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf", "dinf", "edts", "sinf", "schi", "udta", "mfra"]);
/** Sample entries: fixed fields, then child boxes. Offsets from payload start. */
const SAMPLE_ENTRY_FIELDS: Record<string, number> = { avc1: 78, avc3: 78, encv: 78, hvc1: 78, hev1: 78, mp4a: 28, enca: 28 };

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("MP4_INVALID", `Invalid MP4: ${msg}`, { status: 400 });
}

/** Splits a byte range into top-level boxes (header + payload). */
export function readBoxes(buf: Buffer, start = 0, end = buf.length): { type: string; start: number; headerSize: number; size: number }[] {
  const out: { type: string; start: number; headerSize: number; size: number }[] = [];
  let p = start;
  while (p < end) {
    if (end - p < 8) throw bad(`truncated box header at ${p}`);
    let size = buf.readUInt32BE(p);
    const type = buf.toString("latin1", p + 4, p + 8);
    let headerSize = 8;
    if (size === 1) {
      if (end - p < 16) throw bad(`truncated large box header at ${p}`);
      const big = buf.readBigUInt64BE(p + 8);
      if (big > BigInt(end - p)) throw bad(`box ${type} larger than its container`);
      size = Number(big);
      headerSize = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < headerSize || p + size > end) throw bad(`box ${type} at ${p} has bad size ${size}`);
    out.push({ type, start: p, headerSize, size });
    p += size;
  }
  return out;
}

/** Parses boxes into a tree (descending into known containers and sample entries). */
export function parseBoxes(buf: Buffer, start = 0, end = buf.length, depth = 0): Box[] {
  if (depth > 12) throw bad("boxes nested too deeply");
  return readBoxes(buf, start, end).map(({ type, start: s, headerSize, size }) => {
    const ps = s + headerSize;
    const pe = s + size;
    if (CONTAINERS.has(type)) return { type, data: Buffer.alloc(0), children: parseBoxes(buf, ps, pe, depth + 1) };
    if (type === "stsd") {
      // full box header (4) + entry_count (4), then sample entries
      return { type, data: Buffer.from(buf.subarray(ps, ps + 8)), children: parseBoxes(buf, ps + 8, pe, depth + 1) };
    }
    const fields = SAMPLE_ENTRY_FIELDS[type];
    if (fields !== undefined && pe - ps >= fields) {
      return { type, data: Buffer.from(buf.subarray(ps, ps + fields)), children: parseBoxes(buf, ps + fields, pe, depth + 1) };
    }
    return { type, data: Buffer.from(buf.subarray(ps, pe)) };
  });
}

export function boxSize(b: Box): number {
  let n = 8 + b.data.length;
  for (const c of b.children ?? []) n += boxSize(c);
  return n;
}

export function writeBox(b: Box): Buffer {
  const size = boxSize(b);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(b.type, 4, "latin1");
  return Buffer.concat([head, b.data, ...(b.children ?? []).map(writeBox)]);
}

export function writeBoxes(bs: Box[]): Buffer {
  return Buffer.concat(bs.map(writeBox));
}

export function child(b: Box, type: string): Box | undefined {
  return b.children?.find((c) => c.type === type);
}

export function mustChild(b: Box, type: string): Box {
  const c = child(b, type);
  if (!c) throw bad(`${b.type} has no ${type}`);
  return c;
}

/** Follows a path of box types, e.g. `["mdia","minf","stbl","stsd"]`. */
export function path(b: Box, types: string[]): Box {
  let cur = b;
  for (const t of types) cur = mustChild(cur, t);
  return cur;
}

export function leaf(type: string, data: Buffer): Box {
  return { type, data };
}

export function fullBoxData(version: number, flags: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return Buffer.concat([h, body]);
}
