/**
 * Splits a fragmented MP4 into its init segment and media segments, and reads the sample table of one fragment
 * (tfhd / tfdt / trun, ISO/IEC 14496-12 8.8).
 */
import { KeyplaneError } from "../../functions/errors";
import { Box, mustChild, readBoxes } from "./box";
import type { TrackInfo } from "./track";

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("MP4_INVALID", `Invalid fragment: ${msg}`, { status: 400 });
}

export interface SplitFile {
  /** ftyp + moov */
  init: Buffer;
  /** Each [styp] moof mdat group. sidx and mfra are dropped: their offsets would not survive re-segmenting. */
  fragments: Buffer[];
}

export function splitFragmentedMp4(file: Buffer): SplitFile {
  const boxes = readBoxes(file);
  const initParts: Buffer[] = [];
  const fragments: Buffer[] = [];
  let pending: Buffer[] = [];
  let sawMoof = false;
  for (const b of boxes) {
    const bytes = file.subarray(b.start, b.start + b.size);
    if (b.type === "ftyp" || b.type === "moov") {
      if (sawMoof) throw bad(`${b.type} after the first moof`);
      initParts.push(bytes);
    } else if (b.type === "styp") {
      pending = [bytes];
    } else if (b.type === "moof") {
      sawMoof = true;
      pending.push(bytes);
    } else if (b.type === "mdat") {
      if (!pending.some((p) => p.toString("latin1", 4, 8) === "moof")) {
        if (!sawMoof) throw bad("mdat before any moof: the file is not fragmented (use -movflags +frag_keyframe+empty_moov)");
        throw bad("mdat without a moof");
      }
      pending.push(bytes);
      fragments.push(Buffer.concat(pending));
      pending = [];
    }
    // sidx, mfra, free, skip, udta at top level: dropped
  }
  if (!initParts.some((p) => p.toString("latin1", 4, 8) === "moov")) throw bad("no moov: not an MP4 file");
  if (fragments.length === 0) throw bad("no fragments: the file is not fragmented");
  return { init: Buffer.concat(initParts), fragments };
}

export interface Trun {
  box: Box;
  flags: number;
  dataOffset: number;
  /** byte position of data_offset inside trun.data, or -1 */
  dataOffsetPos: number;
  sampleSizes: number[];
  sampleDurations: number[];
}

export interface FragmentInfo {
  baseMediaDecodeTime: number;
  truns: Trun[];
  sampleCount: number;
  duration: number;
}

const TFHD_BASE_DATA_OFFSET = 0x1;
const TFHD_DEFAULT_BASE_IS_MOOF = 0x20000;

export function readTraf(traf: Box, track: TrackInfo): FragmentInfo {
  const tfhd = mustChild(traf, "tfhd").data;
  const tfFlags = tfhd.readUInt32BE(0) & 0xffffff;
  if (tfFlags & TFHD_BASE_DATA_OFFSET) throw bad("tfhd base_data_offset is not supported (mux with -movflags +default_base_moof)");
  if (!(tfFlags & TFHD_DEFAULT_BASE_IS_MOOF)) throw bad("tfhd must set default-base-is-moof (mux with -movflags +default_base_moof)");
  let p = 8; // version/flags + track_ID
  if (tfFlags & 0x2) p += 4;
  let defDur = track.defaultSampleDuration;
  let defSize = track.defaultSampleSize;
  if (tfFlags & 0x8) { defDur = tfhd.readUInt32BE(p); p += 4; }
  if (tfFlags & 0x10) { defSize = tfhd.readUInt32BE(p); p += 4; }
  const tfdt = mustChild(traf, "tfdt").data;
  const baseMediaDecodeTime = tfdt[0] === 1 ? Number(tfdt.readBigUInt64BE(4)) : tfdt.readUInt32BE(4);
  const truns: Trun[] = [];
  for (const b of traf.children ?? []) {
    if (b.type !== "trun") continue;
    const d = b.data;
    const flags = d.readUInt32BE(0) & 0xffffff;
    const count = d.readUInt32BE(4);
    let q = 8;
    let dataOffset = 0;
    let dataOffsetPos = -1;
    if (flags & 0x1) { dataOffsetPos = q; dataOffset = d.readInt32BE(q); q += 4; }
    if (flags & 0x4) q += 4;
    const per = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) + ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
    if (q + per * count > d.length) throw bad("trun shorter than its sample_count");
    const sampleSizes: number[] = [];
    const sampleDurations: number[] = [];
    for (let i = 0; i < count; i++) {
      let dur = defDur;
      let size = defSize;
      if (flags & 0x100) { dur = d.readUInt32BE(q); q += 4; }
      if (flags & 0x200) { size = d.readUInt32BE(q); q += 4; }
      if (flags & 0x400) q += 4;
      if (flags & 0x800) q += 4;
      sampleSizes.push(size);
      sampleDurations.push(dur);
    }
    truns.push({ box: b, flags, dataOffset, dataOffsetPos, sampleSizes, sampleDurations });
  }
  if (truns.length === 0) throw bad("traf without trun");
  const sampleCount = truns.reduce((n, t) => n + t.sampleSizes.length, 0);
  const duration = truns.reduce((n, t) => n + t.sampleDurations.reduce((a, b) => a + b, 0), 0);
  return { baseMediaDecodeTime, truns, sampleCount, duration };
}
