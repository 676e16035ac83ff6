/**
 * Our fMP4 Common Encryption ('cenc' scheme, AES-128-CTR, ISO/IEC 23001-7):
 * - init segment: the sample entry becomes encv/enca with sinf { frma, schm 'cenc' 1.0, schi { tenc } }, pssh boxes added to moov;
 * - each fragment: samples encrypted with a fresh 8-byte per-sample IV; AVC video uses subsample encryption (NAL length
 *   and header and non-VCL NAL units clear, whole 16-byte blocks of slice payload protected); senc, saiz and saio are
 *   added to the traf and trun data_offset / saio offsets are fixed for the grown moof.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { KeyplaneError } from "../../functions/errors";
import { assertKid } from "../../functions/keys/kid";
import { Box, fullBoxData, leaf, mustChild, parseBoxes, readBoxes, writeBox, writeBoxes } from "./box";
import { readTraf } from "./fragment";
import { onlyTrak, readTrackInfo, sampleEntry, type TrackInfo } from "./track";

export const IV_SIZE = 8;
/** Max clear bytes in one subsample entry (u16). */
const MAX_CLEAR = 0xffff;

export interface Subsample { clear: number; protected: number }

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("MP4_INVALID", `Cannot encrypt: ${msg}`, { status: 400 });
}

/** The sinf box for a protected sample entry. */
export function sinfBox(originalFormat: string, kid: Uint8Array): Box {
  const schm = Buffer.alloc(8);
  schm.write("cenc", 0, "latin1");
  schm.writeUInt32BE(0x00010000, 4);
  const tenc = Buffer.alloc(20);
  // reserved (u8), reserved (u8, version 0), default_isProtected, default_Per_Sample_IV_Size, default_KID
  tenc[2] = 1;
  tenc[3] = IV_SIZE;
  Buffer.from(assertKid(kid)).copy(tenc, 4);
  return {
    type: "sinf", data: Buffer.alloc(0), children: [
      leaf("frma", Buffer.from(originalFormat, "latin1")),
      leaf("schm", fullBoxData(0, 0, schm)),
      { type: "schi", data: Buffer.alloc(0), children: [leaf("tenc", fullBoxData(0, 0, tenc))] },
    ],
  };
}

export interface EncryptedInit {
  init: Buffer;
  track: TrackInfo;
}

/** Rewrites a clear single-track init segment as a protected one. `pssh` holds complete pssh boxes (from SPEKE). */
export function encryptInitSegment(init: Buffer, kid: Uint8Array, pssh: Buffer[] = []): EncryptedInit {
  const track = readTrackInfo(init);
  const top = parseBoxes(init);
  const moov = top.find((b) => b.type === "moov")!;
  const entry = sampleEntry(onlyTrak(moov));
  entry.type = track.kind === "video" ? "encv" : "enca";
  entry.children = [...(entry.children ?? []).filter((c) => c.type !== "sinf"), sinfBox(track.format, kid)];
  for (const p of pssh) {
    const boxes = parseBoxes(p);
    if (boxes.length !== 1 || boxes[0]!.type !== "pssh") throw bad("a PSSH from the key server is not one pssh box");
    moov.children!.push(boxes[0]!);
  }
  return { init: writeBoxes(top), track };
}

/** Subsamples for one AVC sample in length-prefixed form. */
export function avcSubsamples(sample: Buffer, nalLengthSize: number): Subsample[] {
  const out: Subsample[] = [];
  let clear = 0;
  let p = 0;
  const pushClear = () => {
    while (clear > MAX_CLEAR) { out.push({ clear: MAX_CLEAR, protected: 0 }); clear -= MAX_CLEAR; }
  };
  while (p < sample.length) {
    if (p + nalLengthSize > sample.length) throw bad("truncated NAL length");
    const n = sample.readUIntBE(p, nalLengthSize);
    if (n < 1 || p + nalLengthSize + n > sample.length) throw bad("NAL unit overruns its sample");
    const type = sample[p + nalLengthSize]! & 0x1f;
    const payload = n - 1;
    const prot = type >= 1 && type <= 5 ? payload - (payload % 16) : 0;
    clear += nalLengthSize + n - prot;
    if (prot > 0) {
      pushClear();
      out.push({ clear, protected: prot });
      clear = 0;
    }
    p += nalLengthSize + n;
  }
  if (clear > 0 || out.length === 0) {
    pushClear();
    if (clear > 0 || out.length === 0) out.push({ clear, protected: 0 });
  }
  return out;
}

/** AES-128-CTR over the protected ranges of one sample, in place; the counter runs on across subsamples. */
export function encryptSample(key: Buffer, iv: Buffer, sample: Buffer, subsamples?: Subsample[]): void {
  const counter = Buffer.alloc(16);
  iv.copy(counter, 0);
  const c = createCipheriv("aes-128-ctr", key, counter);
  if (!subsamples) {
    c.update(sample).copy(sample, 0);
    return;
  }
  let p = 0;
  for (const s of subsamples) {
    p += s.clear;
    if (s.protected) {
      c.update(sample.subarray(p, p + s.protected)).copy(sample, p);
      p += s.protected;
    }
  }
}

/**
 * AES-128-CTR for many samples at once: every sample's counter blocks (IV || 64-bit block counter from 0, the same
 * sequence a per-sample CTR cipher walks) go through one AES-128-ECB call, then the keystream is XORed into the
 * protected ranges. Equivalent to `encryptSample` per sample; one OpenSSL context per fragment instead of per sample.
 */
export function encryptSamples(key: Buffer, items: { sample: Buffer; iv: Buffer; subsamples?: Subsample[] }[]): void {
  const ranges = items.map((it) => (it.subsamples ?? [{ clear: 0, protected: it.sample.length }]));
  const blocks = items.map((it, i) => Math.ceil(ranges[i]!.reduce((n, s) => n + s.protected, 0) / 16));
  const total = blocks.reduce((a, b) => a + b, 0);
  if (total === 0) return;
  const counters = Buffer.alloc(total * 16);
  let o = 0;
  items.forEach((it, i) => {
    for (let j = 0; j < blocks[i]!; j++, o += 16) {
      it.iv.copy(counters, o, 0, 8);
      counters.writeBigUInt64BE(BigInt(j), o + 8);
    }
  });
  const ecb = createCipheriv("aes-128-ecb", key, null);
  ecb.setAutoPadding(false);
  const ks = Buffer.concat([ecb.update(counters), ecb.final()]);
  let k = 0;
  items.forEach((it, i) => {
    const start = k;
    let p = 0;
    for (const s of ranges[i]!) {
      p += s.clear;
      for (let e = p + s.protected; p < e; p++) it.sample[p] = it.sample[p]! ^ ks[k++]!;
    }
    k = start + blocks[i]! * 16;
  });
}

function sencBox(ivs: Buffer[], subs: (Subsample[] | undefined)[]): Box {
  const useSubs = subs.some((s) => s !== undefined);
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(ivs.length, 0);
  parts.push(count);
  const sizes: number[] = [];
  ivs.forEach((iv, i) => {
    parts.push(iv);
    let size = iv.length;
    if (useSubs) {
      const ss = subs[i] ?? [];
      const b = Buffer.alloc(2 + 6 * ss.length);
      b.writeUInt16BE(ss.length, 0);
      ss.forEach((s, j) => { b.writeUInt16BE(s.clear, 2 + 6 * j); b.writeUInt32BE(s.protected, 4 + 6 * j); });
      parts.push(b);
      size += b.length;
    }
    sizes.push(size);
  });
  const box = leaf("senc", fullBoxData(0, useSubs ? 0x2 : 0, Buffer.concat(parts)));
  (box as Box & { sizes?: number[] }).sizes = sizes;
  return box;
}

function saizBox(sizes: number[]): Box {
  const same = sizes.every((s) => s === sizes[0]) && sizes.length > 0;
  const b = Buffer.alloc(5 + (same ? 0 : sizes.length));
  b[0] = same ? sizes[0]! : 0;
  b.writeUInt32BE(sizes.length, 1);
  if (!same) sizes.forEach((s, i) => { b[5 + i] = s; });
  return leaf("saiz", fullBoxData(0, 0, b));
}

function saioBox(offset: number): Box {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(1, 0);
  b.writeUInt32BE(offset, 4);
  return leaf("saio", fullBoxData(0, 0, b));
}

export interface FragmentEncryptOptions {
  /** Per-sample IV source; defaults to random 8 bytes. */
  nextIv?: () => Buffer;
}

/** Encrypts one media segment ([styp] moof mdat) of the track described by `track`. Returns the new segment bytes. */
export function encryptFragment(segment: Buffer, track: TrackInfo, key: Buffer, opts: FragmentEncryptOptions = {}): Buffer {
  if (key.length !== 16) throw bad("content key must be 16 bytes");
  const top = readBoxes(segment);
  const moofIdx = top.findIndex((b) => b.type === "moof");
  const mdatIdx = top.findIndex((b) => b.type === "mdat");
  if (moofIdx < 0 || mdatIdx !== moofIdx + 1) throw bad("segment must be [styp] moof mdat");
  const moofPos = top[moofIdx]!;
  const mdatPos = top[mdatIdx]!;
  const out = Buffer.from(segment);
  const [moof] = parseBoxes(out, moofPos.start, moofPos.start + moofPos.size);
  const trafs = (moof!.children ?? []).filter((c) => c.type === "traf");
  if (trafs.length !== 1) throw bad(`expected one traf per moof, found ${trafs.length}`);
  const traf = trafs[0]!;
  const info = readTraf(traf, track);
  // one random draw per fragment, cut into fresh 8-byte per-sample IVs
  const pool = opts.nextIv ? undefined : randomBytes(IV_SIZE * info.sampleCount);
  let drawn = 0;
  const nextIv = opts.nextIv ?? (() => Buffer.from(pool!.subarray(IV_SIZE * drawn, IV_SIZE * ++drawn)));
  const ivs: Buffer[] = [];
  const subs: (Subsample[] | undefined)[] = [];
  const mdatDataStart = mdatPos.start + mdatPos.headerSize;
  const mdatEnd = mdatPos.start + mdatPos.size;
  const items: { sample: Buffer; iv: Buffer; subsamples?: Subsample[] }[] = [];
  for (const trun of info.truns) {
    if (trun.dataOffsetPos < 0) throw bad("trun without data_offset");
    let p = moofPos.start + trun.dataOffset;
    for (const size of trun.sampleSizes) {
      if (p < mdatDataStart || p + size > mdatEnd) throw bad("sample outside mdat");
      const sample = out.subarray(p, p + size);
      const iv = nextIv();
      if (iv.length !== IV_SIZE) throw bad("IV must be 8 bytes");
      const ss = track.kind === "video" ? avcSubsamples(sample, track.nalLengthSize) : undefined;
      items.push(ss ? { sample, iv, subsamples: ss } : { sample, iv });
      ivs.push(iv);
      subs.push(ss);
      p += size;
    }
  }
  encryptSamples(key, items);
  const senc = sencBox(ivs, subs) as Box & { sizes: number[] };
  const saiz = saizBox(senc.sizes);
  const saio = saioBox(0);
  traf.children = [...traf.children!.filter((c) => !["senc", "saiz", "saio", "sbgp", "sgpd"].includes(c.type)), saiz, saio, senc];
  const newMoofSize = writeBox(moof!).length;
  const delta = newMoofSize - moofPos.size;
  for (const trun of info.truns) trun.box.data.writeInt32BE(trun.dataOffset + delta, trun.dataOffsetPos);
  // saio offset: from the moof start to the first IV in senc (default-base-is-moof)
  let sencOffset = 8;
  for (const c of moof!.children!) {
    if (c === traf) break;
    sencOffset += writeBox(c).length;
  }
  sencOffset += 8;
  for (const c of traf.children) {
    if (c === senc) break;
    sencOffset += writeBox(c).length;
  }
  sencOffset += 8 + 4 + 4; // senc header, version/flags, sample_count
  saio.data.writeUInt32BE(sencOffset, 8);
  const moofBytes = writeBox(moof!);
  mustChild(moof!, "mfhd");
  return Buffer.concat([out.subarray(0, moofPos.start), moofBytes, out.subarray(moofPos.start + moofPos.size)]);
}
