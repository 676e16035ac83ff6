/**
 * Every ffmpeg / ffprobe invocation of the lab lives here: the generated test clip, the clear mezzanine MP4 that Shaka
 * Packager encrypts (lab/shaka.ts; Debian's ffmpeg cannot write CENC), and the HLS AES-128 (MPEG-TS) rendition, which
 * is whole-segment AES-128-CBC and stays ffmpeg's.
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { KeyplaneError } from "../functions/errors";

export type Progress = (msg: string) => void;

export interface RunOptions {
  /** Total media seconds, for percentage progress. */
  durationSec?: number;
  label?: string;
  onProgress?: Progress;
  bin?: string;
}

function ffmpegError(msg: string, detail?: string): KeyplaneError {
  return new KeyplaneError("FFMPEG_FAILED", detail ? `${msg}\n${detail}` : msg, { status: 500 });
}

/** Runs ffmpeg with `-progress pipe:1`; rejects with the last stderr lines on failure. */
export function runFfmpeg(args: string[], opts: RunOptions = {}): Promise<void> {
  const bin = opts.bin ?? process.env.FFMPEG ?? "ffmpeg";
  const full = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1", "-nostats", ...args];
  return new Promise((resolve, reject) => {
    const p = spawn(bin, full, { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let lastPct = -1;
    p.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    p.stdout.on("data", (d: Buffer) => {
      if (!opts.onProgress || !opts.durationSec) return;
      const m = /out_time_(?:us|ms)=(\d+)/.exec(d.toString());
      if (!m) return;
      const pct = Math.min(100, Math.floor((Number(m[1]) / 1e6 / opts.durationSec) * 100));
      if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
        lastPct = pct;
        opts.onProgress(`${opts.label ?? "ffmpeg"}: ${pct}%`);
      }
    });
    p.on("error", (e: NodeJS.ErrnoException) => {
      reject(
        e.code === "ENOENT"
          ? ffmpegError(`${bin} not found: install ffmpeg (apt-get install ffmpeg) or set FFMPEG`)
          : e,
      );
    });
    p.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          ffmpegError(`${opts.label ?? "ffmpeg"} failed (exit ${code})`, err.trim().split("\n").slice(-6).join("\n")),
        );
    });
  });
}

export interface MediaProbe {
  durationSec: number;
  hasVideo: boolean;
  hasAudio: boolean;
  width?: number;
  height?: number;
}

/** Reads duration and streams with ffprobe; a file that is not media gets a clear error. */
export function probe(input: string): Promise<MediaProbe> {
  const bin = process.env.FFPROBE ?? "ffprobe";
  return new Promise((resolve, reject) => {
    const p = spawn(
      bin,
      ["-v", "error", "-show_entries", "format=duration:stream=codec_type,width,height", "-of", "json", input],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    p.on("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "ENOENT" ? ffmpegError(`${bin} not found: install ffmpeg`) : e),
    );
    p.on("close", (code) => {
      if (code !== 0) {
        reject(
          new KeyplaneError(
            "INPUT_INVALID",
            `${input} is not a readable media file: ${err.trim().split("\n").pop() ?? "ffprobe failed"}`,
            { status: 400 },
          ),
        );
        return;
      }
      try {
        const j = JSON.parse(out) as {
          format?: { duration?: string };
          streams?: { codec_type?: string; width?: number; height?: number }[];
        };
        const streams = j.streams ?? [];
        const v = streams.find((s) => s.codec_type === "video");
        const durationSec = Number(j.format?.duration ?? 0);
        resolve({
          durationSec: Number.isFinite(durationSec) ? durationSec : 0,
          hasVideo: !!v,
          hasAudio: streams.some((s) => s.codec_type === "audio"),
          ...(v?.width ? { width: v.width } : {}),
          ...(v?.height ? { height: v.height } : {}),
        });
      } catch (e) {
        reject(new KeyplaneError("INPUT_INVALID", `${input}: cannot read ffprobe output`, { status: 400, cause: e }));
      }
    });
  });
}

export interface TestClipOptions {
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
}

/** H.264 Main, 4:2:0, the x264 preset both the test clip and the mezzanine use (what every player decodes). */
const H264_MAIN = ["-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p", "-preset", "veryfast"];

/** A short synthetic clip (moving test pattern with a frame counter + 440 Hz tone), H.264 + AAC. */
export async function makeTestClip(out: string, o: TestClipOptions = {}, progress?: Progress): Promise<string> {
  const seconds = o.seconds ?? 8;
  const size = `${o.width ?? 640}x${o.height ?? 360}`;
  await runFfmpeg(
    [
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${size}:rate=${o.fps ?? 24}:duration=${seconds}`,
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      ...H264_MAIN,
      "-c:a",
      "aac",
      "-b:a",
      "96k",
      "-ac",
      "2",
      "-shortest",
      out,
    ],
    { durationSec: seconds, label: "test clip", ...(progress ? { onProgress: progress } : {}) },
  );
  return out;
}

export interface ClearMezzanine {
  file: string;
  hasAudio: boolean;
  durationSec: number;
}

/**
 * Transcodes the input once into a clear MP4 (H.264 main + AAC-LC stereo 48 kHz) with a keyframe every `keyframeSec`
 * seconds (the packagers cut segments there). Pictures taller than 720 lines are scaled down.
 */
export async function transcodeClear(
  input: string,
  out: string,
  o: { keyframeSec?: number; progress?: Progress } = {},
): Promise<ClearMezzanine> {
  const info = await probe(input);
  if (!info.hasVideo) throw new KeyplaneError("INPUT_INVALID", `${input} has no video stream`, { status: 400 });
  if (!(info.durationSec > 0)) throw new KeyplaneError("INPUT_INVALID", `${input} has no duration`, { status: 400 });
  const k = o.keyframeSec ?? 2;
  const args = [
    "-i",
    input,
    "-map",
    "0:v:0",
    ...H264_MAIN,
    "-vf",
    "scale=-2:'min(720,ih)'",
    "-force_key_frames",
    `expr:gte(t,n_forced*${k})`,
    "-sc_threshold",
    "0",
  ];
  if (info.hasAudio) args.push("-map", "0:a:0", "-c:a", "aac", "-b:a", "96k", "-ac", "2", "-ar", "48000");
  args.push("-f", "mp4", out);
  await runFfmpeg(args, {
    durationSec: info.durationSec,
    label: "transcode",
    ...(o.progress ? { onProgress: o.progress } : {}),
  });
  return { file: out, hasAudio: info.hasAudio, durationSec: info.durationSec };
}

export interface HlsAes128Options {
  /** The clear mezzanine (video, optionally audio). */
  input: string;
  outDir: string;
  key: Buffer;
  keyUri: string;
  iv: Buffer;
  segmentSec?: number;
  durationSec?: number;
  progress?: Progress;
}

/**
 * MPEG-TS HLS with whole-segment AES-128-CBC (ffmpeg's hls muxer with -hls_key_info_file). The key file is written
 * 0600 into a private temp location by the caller and removed after. Returns the media playlist path.
 */
export async function hlsAes128(o: HlsAes128Options, keyFile: string, infoFile: string): Promise<string> {
  await fs.mkdir(o.outDir, { recursive: true });
  await fs.writeFile(keyFile, o.key, { mode: 0o600 });
  await fs.writeFile(infoFile, `${o.keyUri}\n${keyFile}\n${o.iv.toString("hex")}\n`, { mode: 0o600 });
  const playlist = join(o.outDir, "stream.m3u8");
  const args = [
    "-i",
    o.input,
    "-map",
    "0:v:0",
    "-map",
    "0:a:0?",
    "-c",
    "copy",
    "-f",
    "hls",
    "-hls_time",
    String(o.segmentSec ?? 2),
    "-hls_playlist_type",
    "vod",
    "-hls_key_info_file",
    infoFile,
    "-hls_segment_filename",
    join(o.outDir, "seg-%d.ts"),
    playlist,
  ];
  try {
    await runFfmpeg(args, {
      label: "hls",
      ...(o.durationSec ? { durationSec: o.durationSec } : {}),
      ...(o.progress ? { onProgress: o.progress } : {}),
    });
  } finally {
    await fs.rm(keyFile, { force: true });
    await fs.rm(infoFile, { force: true });
  }
  return playlist;
}
