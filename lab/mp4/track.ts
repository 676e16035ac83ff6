/**
 * Reads what the encryptor and the manifest writers need from a single-track fragmented MP4 init segment
 * (ftyp + moov): track id, handler, timescale, codec, NAL length size, trex defaults, picture size, sample rate.
 */
import { KeyplaneError } from "../../functions/errors";
import { Box, child, mustChild, parseBoxes, path } from "./box";

export interface TrackInfo {
  trackId: number;
  kind: "video" | "audio";
  timescale: number;
  /** Sample entry 4CC before encryption (`avc1`, `mp4a`). */
  format: string;
  /** RFC 6381 codecs string for the manifest. */
  codecs: string;
  /** AVC NAL length field size (1, 2 or 4); 0 for audio. */
  nalLengthSize: number;
  defaultSampleDuration: number;
  defaultSampleSize: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
}

function bad(msg: string): KeyplaneError {
  return new KeyplaneError("MP4_UNSUPPORTED", msg, { status: 400 });
}

export function onlyTrak(moov: Box): Box {
  const traks = (moov.children ?? []).filter((c) => c.type === "trak");
  if (traks.length !== 1) throw bad(`expected exactly one track per fragmented file, found ${traks.length}`);
  return traks[0]!;
}

export function sampleEntry(trak: Box): Box {
  const stsd = path(trak, ["mdia", "minf", "stbl", "stsd"]);
  const e = stsd.children?.[0];
  if (!e || stsd.children!.length !== 1) throw bad("expected exactly one sample entry");
  return e;
}

/** RFC 6381 for AAC: mp4a.40.<audioObjectType> read from the esds DecoderSpecificInfo (falls back to 2, AAC-LC). */
function aacCodecs(entry: Box): string {
  const esds = child(entry, "esds");
  if (!esds) return "mp4a.40.2";
  const d = esds.data;
  // find DecoderSpecificInfo tag (0x05) and read the first 5 bits of AudioSpecificConfig
  for (let i = 4; i < d.length - 2; i++) {
    if (d[i] === 0x05) {
      let j = i + 1;
      let len = 0;
      for (let k = 0; k < 4 && j < d.length; k++) {
        const b = d[j++]!;
        len = (len << 7) | (b & 0x7f);
        if (!(b & 0x80)) break;
      }
      if (len > 0 && j < d.length) {
        const aot = d[j]! >> 3;
        if (aot > 0 && aot < 31) return `mp4a.40.${aot}`;
      }
    }
  }
  return "mp4a.40.2";
}

export function readTrackInfo(init: Buffer): TrackInfo {
  const top = parseBoxes(init);
  const moov = top.find((b) => b.type === "moov");
  if (!moov) throw bad("init segment has no moov");
  const trak = onlyTrak(moov);
  const tkhd = mustChild(trak, "tkhd").data;
  const trackId = tkhd.readUInt32BE(tkhd[0] === 1 ? 4 + 16 : 4 + 8);
  const mdhd = path(trak, ["mdia", "mdhd"]).data;
  const timescale = mdhd.readUInt32BE(mdhd[0] === 1 ? 20 : 12);
  const handler = path(trak, ["mdia", "hdlr"]).data.toString("latin1", 8, 12);
  const entry = sampleEntry(trak);
  const mvex = mustChild(moov, "mvex");
  const trex = (mvex.children ?? []).find((t) => t.type === "trex" && t.data.readUInt32BE(4) === trackId);
  const defaultSampleDuration = trex ? trex.data.readUInt32BE(12) : 0;
  const defaultSampleSize = trex ? trex.data.readUInt32BE(16) : 0;
  if (handler === "vide") {
    if (entry.type !== "avc1" && entry.type !== "avc3") throw bad(`video codec ${entry.type} is not supported (H.264 only)`);
    const avcC = mustChild(entry, "avcC").data;
    const codecs = `${entry.type}.${avcC.subarray(1, 4).toString("hex")}`;
    return {
      trackId, kind: "video", timescale, format: entry.type, codecs, nalLengthSize: (avcC[4]! & 3) + 1,
      defaultSampleDuration, defaultSampleSize, width: entry.data.readUInt16BE(24), height: entry.data.readUInt16BE(26),
    };
  }
  if (handler === "soun") {
    if (entry.type !== "mp4a") throw bad(`audio codec ${entry.type} is not supported (AAC only)`);
    return {
      trackId, kind: "audio", timescale, format: entry.type, codecs: aacCodecs(entry), nalLengthSize: 0,
      defaultSampleDuration, defaultSampleSize, channels: entry.data.readUInt16BE(16), sampleRate: entry.data.readUInt32BE(24) >>> 16,
    };
  }
  throw bad(`track handler ${handler} is not supported`);
}
