/**
 * Encrypts a whole single-track fragmented MP4 file in place of its structure (ftyp, moov, [sidx], moof/mdat..., [mfra]):
 * every fragment goes through encryptFragment, then the offsets that point across the grown boxes are fixed: the sidx
 * referenced_size / first_offset (ISO/IEC 14496-12 8.16.3) and the tfra moof_offset entries inside mfra (8.8.10).
 */
import { KeyplaneError } from "../../functions/errors";
import { parseBoxes, readBoxes, writeBoxes } from "./box";
import { encryptFragment, encryptInitSegment, type FragmentEncryptOptions } from "./cenc";

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("MP4_INVALID", `Cannot encrypt file: ${msg}`, { status: 400 });
}

export function encryptFragmentedFile(file: Buffer, kid: Uint8Array, key: Buffer, pssh: Buffer[] = [], opts: FragmentEncryptOptions = {}): Buffer {
  const top = readBoxes(file);
  const ftypMoov = top.filter((b) => b.type === "ftyp" || b.type === "moov");
  if (!ftypMoov.some((b) => b.type === "moov")) throw bad("no moov");
  const { init, track } = encryptInitSegment(Buffer.concat(ftypMoov.map((b) => file.subarray(b.start, b.start + b.size))), kid, pssh);
  const newInit = new Map(readBoxes(init).map((b) => [b.type, init.subarray(b.start, b.start + b.size)]));
  const parts: { old: number; bytes: Buffer; type: string }[] = [];
  for (let i = 0; i < top.length; i++) {
    const b = top[i]!;
    const bytes = file.subarray(b.start, b.start + b.size);
    if (b.type === "ftyp" || b.type === "moov") parts.push({ old: b.start, bytes: newInit.get(b.type)!, type: b.type });
    else if (b.type === "moof") {
      const mdat = top[i + 1];
      if (!mdat || mdat.type !== "mdat") throw bad("moof not followed by mdat");
      const enc = encryptFragment(file.subarray(b.start, mdat.start + mdat.size), track, key, opts);
      const moofSize = enc.readUInt32BE(0);
      parts.push({ old: b.start, bytes: enc.subarray(0, moofSize), type: "moof" });
      parts.push({ old: mdat.start, bytes: enc.subarray(moofSize), type: "mdat" });
      i++;
    } else parts.push({ old: b.start, bytes: Buffer.from(bytes), type: b.type });
  }
  // old box start -> new box start (and old end of file -> new end)
  const map = new Map<number, number>();
  let pos = 0;
  for (const p of parts) { map.set(p.old, pos); pos += p.bytes.length; }
  map.set(file.length, pos);
  const newPos = (old: number, what: string): number => {
    const n = map.get(old);
    if (n === undefined) throw bad(`${what} does not point at a top-level box boundary`);
    return n;
  };
  for (const p of parts) {
    if (p.type === "sidx") fixSidx(p, newPos);
    if (p.type === "mfra") p.bytes = fixMfra(p.bytes, newPos);
  }
  return Buffer.concat(parts.map((p) => p.bytes));
}

function fixSidx(p: { old: number; bytes: Buffer }, newPos: (old: number, what: string) => number): void {
  const b = p.bytes;
  const v = b[8]!;
  let q = 8 + 4 + 4 + 4 + (v === 0 ? 4 : 8);
  const firstOffsetPos = q;
  const firstOffset = v === 0 ? b.readUInt32BE(q) : Number(b.readBigUInt64BE(q));
  q += v === 0 ? 4 : 8;
  const count = b.readUInt16BE(q + 2);
  q += 4;
  const oldAnchor = p.old + b.length;
  const newAnchor = newPos(p.old, "sidx") + b.length;
  let oldRef = oldAnchor + firstOffset;
  const newFirst = newPos(oldRef, "sidx first_offset") - newAnchor;
  if (v === 0) b.writeUInt32BE(newFirst, firstOffsetPos); else b.writeBigUInt64BE(BigInt(newFirst), firstOffsetPos);
  for (let i = 0; i < count; i++, q += 12) {
    const word = b.readUInt32BE(q);
    const size = word & 0x7fffffff;
    const oldEnd = oldRef + size;
    const newSize = newPos(oldEnd, "sidx reference") - newPos(oldRef, "sidx reference");
    b.writeUInt32BE(((word & 0x80000000) | newSize) >>> 0, q);
    oldRef = oldEnd;
  }
}

function fixMfra(bytes: Buffer, newPos: (old: number, what: string) => number): Buffer {
  const [mfra] = parseBoxes(bytes);
  for (const tfra of mfra!.children ?? []) {
    if (tfra.type !== "tfra") continue;
    const d = tfra.data;
    const v = d[0]!;
    const sizes = d.readUInt32BE(8);
    const per = ((sizes >> 4) & 3) + 1 + ((sizes >> 2) & 3) + 1 + (sizes & 3) + 1;
    const n = d.readUInt32BE(12);
    let q = 16;
    for (let i = 0; i < n; i++) {
      q += v === 1 ? 8 : 4; // time
      if (v === 1) d.writeBigUInt64BE(BigInt(newPos(Number(d.readBigUInt64BE(q)), "tfra moof_offset")), q);
      else d.writeUInt32BE(newPos(d.readUInt32BE(q), "tfra moof_offset"), q);
      q += (v === 1 ? 8 : 4) + per;
    }
  }
  return writeBoxes([mfra!]);
}
