/**
 * The packaging command: input video (or a generated test clip) -> clear fMP4 tracks (ffmpeg) -> SPEKE v2 keys from the
 * running key server -> DASH with CENC 'cenc' (our encryptor + MPD writer) and HLS with AES-128 (ffmpeg + our playlists).
 *
 *   npm run package -- [input] [outdir] [--key-server URL] [--content-id ID] [--seconds N]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fs, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KeyplaneError, isKeyplaneError } from "../functions/errors";
import { kidFromUuid, kidToUuid } from "../functions/keys/kid";
import { fragmentTracks, hlsAes128, makeTestClip, type Progress } from "./ffmpeg";
import { splitFragmentedMp4, readTraf } from "./mp4/fragment";
import { encryptFragment, encryptInitSegment } from "./mp4/cenc";
import { parseBoxes } from "./mp4/box";
import type { TrackInfo } from "./mp4/track";
import { writeMpd, type DashRepresentation, type TimelineEntry } from "./dash/mpd";
import { applyKeyLine, keyAttribute, writeMasterPlaylist } from "./hls/playlists";
import { keyFor, requestKeys, SPEKE_SYSTEMS, type SpekeKey } from "./speke-client";

export const DEFAULT_KEY_SERVER = "http://127.0.0.1:8787";
export const MANIFEST_FILE = "keyplane.json";

export interface PackageOptions {
  /** Input video; a test clip is generated when absent. */
  input?: string;
  outDir: string;
  keyServerUrl?: string;
  contentId?: string;
  /** Generated clip length (seconds). */
  clipSeconds?: number;
  fragmentSec?: number;
  /** Extra headers for the SPEKE call (e.g. auth in front of a deployed key server). */
  spekeHeaders?: Record<string, string>;
  log?: Progress;
}

/** What was written (paths relative to outDir); no key material. Also saved as `<outDir>/keyplane.json`. */
export interface PackageResult {
  contentId: string;
  keyServerUrl: string;
  dash: string;
  hls: string;
  kids: { video: string; audio?: string; hls: string };
  durationSec: number;
  segments: { video: number; audio: number; hls: number };
}

interface EncryptedTrack { rep: DashRepresentation; segments: number }

async function encryptTrack(file: string, dir: string, name: string, key: SpekeKey): Promise<EncryptedTrack> {
  const split = splitFragmentedMp4(await fs.readFile(file));
  const pssh = key.systems.filter((s) => s.pssh && (s.systemId === SPEKE_SYSTEMS.widevine || s.systemId === SPEKE_SYSTEMS.w3cCommon)).map((s) => s.pssh!);
  const { init, track } = encryptInitSegment(split.init, key.kid, pssh);
  await fs.mkdir(join(dir, name), { recursive: true });
  await fs.writeFile(join(dir, name, "init.mp4"), init);
  const timeline: TimelineEntry[] = [];
  let bytes = 0;
  for (let i = 0; i < split.fragments.length; i++) {
    const frag = split.fragments[i]!;
    const info = fragmentTiming(frag, track);
    timeline.push({ t: info.t, d: info.d });
    const enc = encryptFragment(frag, track, key.key);
    bytes += enc.length;
    await fs.writeFile(join(dir, name, `seg-${i + 1}.m4s`), enc);
  }
  const durationSec = timeline.reduce((n, e) => n + e.d, 0) / track.timescale;
  // ContentProtectionData is the inside of a ContentProtection element: the MPD writer checks it and wraps it
  const extra = key.systems.flatMap((s) => (s.contentProtectionData ? [{ systemId: s.systemId, innerXml: s.contentProtectionData }] : []));
  return {
    rep: {
      id: name, track, kid: key.kid, bandwidth: durationSec > 0 ? bytes * 8 / durationSec : 1,
      initialization: `${name}/init.mp4`, media: `${name}/seg-$Number$.m4s`, timeline, extraContentProtection: extra,
    },
    segments: split.fragments.length,
  };
}

function fragmentTiming(frag: Buffer, track: TrackInfo): { t: number; d: number } {
  const moof = parseBoxes(frag).find((b) => b.type === "moof");
  const traf = moof?.children?.find((c) => c.type === "traf");
  if (!traf) throw new KeyplaneError("MP4_INVALID", "fragment without traf", { status: 400 });
  const info = readTraf(traf, track);
  return { t: info.baseMediaDecodeTime, d: info.duration };
}

function stepper(log: Progress, total: number) {
  let n = 0;
  return (msg: string) => log(`[${++n}/${total}] ${msg}`);
}

/** Fails fast (before any transcoding) when nothing listens at the key server URL. */
async function checkKeyServer(url: string): Promise<void> {
  try {
    await fetch(`${url}/speke/heartbeat`, { signal: AbortSignal.timeout(5000) }).then((r) => r.body?.cancel());
  } catch (e) {
    throw new KeyplaneError("KEY_SERVER_UNREACHABLE", `Cannot reach the key server at ${url} (${(e as Error).message}). Start it with \`npm start\` or pass --key-server URL.`, { status: 502 });
  }
}

export async function packageMedia(o: PackageOptions): Promise<PackageResult> {
  const log = o.log ?? (() => undefined);
  const step = stepper(log, 6);
  const keyServerUrl = (o.keyServerUrl ?? DEFAULT_KEY_SERVER).replace(/\/+$/, "");
  try { new URL(keyServerUrl); } catch { throw new KeyplaneError("CONFIG_INVALID", `--key-server ${JSON.stringify(keyServerUrl)} is not a URL`, { status: 400 }); }
  const contentId = o.contentId ?? `keyplane-lab-${randomUUID().slice(0, 8)}`;
  const outDir = resolve(o.outDir);
  if (o.input !== undefined) {
    const st = await fs.stat(o.input).catch(() => undefined);
    if (!st) throw new KeyplaneError("INPUT_INVALID", `Input file not found: ${o.input}`, { status: 400 });
    if (!st.isFile()) throw new KeyplaneError("INPUT_INVALID", `Input is not a file: ${o.input}`, { status: 400 });
  }
  await checkKeyServer(keyServerUrl);
  const work = await fs.mkdtemp(join(tmpdir(), "keyplane-package-"));
  try {
    let input = o.input;
    if (input === undefined) {
      step(`Generating a ${o.clipSeconds ?? 8} s test clip with ffmpeg`);
      input = await makeTestClip(join(work, "clip.mp4"), { seconds: o.clipSeconds ?? 8 }, (m) => log(`      ${m}`));
    } else {
      step(`Input ${input}`);
    }
    step("Transcoding to clear fragmented MP4 (H.264 + AAC)");
    const tracks = await fragmentTracks(input, join(work, "clear"), { fragmentSec: o.fragmentSec ?? 2, progress: (m) => log(`      ${m}`) });

    step(`Requesting DASH keys from ${keyServerUrl}/speke (SPEKE v2.0, PRESET-VIDEO-1 + PRESET-AUDIO-1, cenc)`);
    const wantVideo = kidFromUuid(randomUUID());
    const wantAudio = kidFromUuid(randomUUID());
    const dashKeys = await requestKeys({
      contentId, scheme: "cenc",
      keys: [{ kid: wantVideo, trackType: "VIDEO" }, ...(tracks.audio ? [{ kid: wantAudio, trackType: "AUDIO" as const }] : [])],
      systems: [
        { systemId: SPEKE_SYSTEMS.widevine, pssh: true, contentProtectionData: true },
        { systemId: SPEKE_SYSTEMS.w3cCommon, pssh: true },
      ],
    }, { url: keyServerUrl, ...(o.spekeHeaders ? { headers: o.spekeHeaders } : {}) });
    const videoKey = keyFor(dashKeys, "VIDEO", wantVideo);
    const audioKey = tracks.audio ? keyFor(dashKeys, "AUDIO", wantAudio) : undefined;
    log(`      video KID ${kidToUuid(videoKey.kid)}${audioKey ? `, audio KID ${kidToUuid(audioKey.kid)}` : ""}`);

    step("Encrypting fMP4 (CENC 'cenc', AES-128-CTR, subsamples) and writing DASH");
    const dashDir = join(outDir, "dash");
    await fs.rm(dashDir, { recursive: true, force: true });
    const laUrl = `${keyServerUrl}/clearkey`;
    const v = await encryptTrack(tracks.video, dashDir, "video", videoKey);
    const a = tracks.audio && audioKey ? await encryptTrack(tracks.audio, dashDir, "audio", audioKey) : undefined;
    const durationSec = Math.max(...[v, a].filter((x): x is EncryptedTrack => !!x).map((t) => t.rep.timeline.reduce((n, e) => n + e.d, 0) / t.rep.track.timescale));
    await fs.writeFile(join(dashDir, "manifest.mpd"), writeMpd({ durationSec, representations: [v.rep, ...(a ? [a.rep] : [])], clearKeyLaUrl: laUrl }));
    log(`      ${v.segments} video + ${a?.segments ?? 0} audio segments`);

    step("Requesting the HLS key (SPEKE v2.0, SHARED, Clear Key AES-128) and writing HLS AES-128");
    const wantHls = kidFromUuid(randomUUID());
    const hlsKeys = await requestKeys({
      contentId: `${contentId}-hls`, scheme: "cbcs",
      keys: [{ kid: wantHls, trackType: "ALL" }],
      systems: [{ systemId: SPEKE_SYSTEMS.clearKeyAes128, hls: true }],
    }, { url: keyServerUrl, ...(o.spekeHeaders ? { headers: o.spekeHeaders } : {}) });
    const hlsKey = keyFor(hlsKeys, "ALL", wantHls);
    const sig = hlsKey.systems.find((s) => s.systemId === SPEKE_SYSTEMS.clearKeyAes128);
    const mediaLine = sig?.hlsMedia ?? `#EXT-X-KEY:METHOD=AES-128,URI="${keyServerUrl}/hls/key/${kidToUuid(hlsKey.kid)}"`;
    const keyUri = keyAttribute(mediaLine, "URI") ?? `${keyServerUrl}/hls/key/${kidToUuid(hlsKey.kid)}`;
    const hlsDir = join(outDir, "hls");
    await fs.rm(hlsDir, { recursive: true, force: true });
    const iv = randomBytes(16);
    const playlist = await hlsAes128({
      video: tracks.video, ...(tracks.audio ? { audio: tracks.audio } : {}), outDir: hlsDir, key: hlsKey.key, keyUri, iv,
      segmentSec: o.fragmentSec ?? 2, durationSec: tracks.durationSec, progress: (m) => log(`      ${m}`),
    }, join(work, "hls.key"), join(work, "hls.keyinfo"));
    await fs.writeFile(playlist, applyKeyLine(await fs.readFile(playlist, "utf8"), mediaLine, iv));
    const tsFiles = (await fs.readdir(hlsDir)).filter((f) => f.endsWith(".ts"));
    const tsBytes = (await Promise.all(tsFiles.map((f) => fs.stat(join(hlsDir, f))))).reduce((n, s) => n + s.size, 0);
    await fs.writeFile(join(hlsDir, "master.m3u8"), writeMasterPlaylist({
      mediaUri: "stream.m3u8", bandwidth: tsBytes * 8 / Math.max(durationSec, 0.001),
      codecs: [v.rep.track.codecs, ...(a ? [a.rep.track.codecs] : [])].join(","),
      ...(v.rep.track.width && v.rep.track.height ? { resolution: { width: v.rep.track.width, height: v.rep.track.height } } : {}),
      ...(sig?.hlsMaster ? { sessionKeyLine: sig.hlsMaster } : {}),
    }));
    const result: PackageResult = {
      contentId, keyServerUrl, dash: "dash/manifest.mpd", hls: "hls/master.m3u8",
      kids: { video: kidToUuid(videoKey.kid), ...(audioKey ? { audio: kidToUuid(audioKey.kid) } : {}), hls: kidToUuid(hlsKey.kid) },
      durationSec, segments: { video: v.segments, audio: a?.segments ?? 0, hls: tsFiles.length },
    };
    step(`Done: ${join(outDir, result.dash)} and ${join(outDir, result.hls)}`);
    await fs.writeFile(join(outDir, MANIFEST_FILE), JSON.stringify(result, null, 2) + "\n");
    return result;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** Every KID of a packaging result (for the token request). */
export function resultKids(r: PackageResult): string[] {
  return [r.kids.video, ...(r.kids.audio ? [r.kids.audio] : []), r.kids.hls];
}

export const USAGE = `Usage: keyplane package [input] [outdir] [options]
       npm run package -- [input] [outdir] [options]

  input               a video file (any format ffmpeg reads); omit to generate an 8 s test clip
  outdir              where dash/ and hls/ are written (default: ./lab-out)
  --key-server URL    the running Keyplane key server (default: $KEYPLANE_URL or ${DEFAULT_KEY_SERVER})
  --content-id ID     CPIX contentId (default: keyplane-lab-<random>)
  --seconds N         length of the generated test clip (default: 8)
  -h, --help          this help`;

export interface CliArgs { input?: string; outDir: string; keyServerUrl: string; contentId?: string; clipSeconds?: number; help?: boolean }

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const pos: string[] = [];
  const out: CliArgs = { outDir: "lab-out", keyServerUrl: env.KEYPLANE_URL ?? DEFAULT_KEY_SERVER };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new KeyplaneError("USAGE", `${a} needs a value\n\n${USAGE}`, { status: 400 });
      return v;
    };
    if (a === "-h" || a === "--help") out.help = true;
    else if (a === "--key-server") out.keyServerUrl = val();
    else if (a === "--content-id") out.contentId = val();
    else if (a === "--seconds") {
      const n = Number(val());
      if (!Number.isFinite(n) || n < 1 || n > 600) throw new KeyplaneError("USAGE", "--seconds must be between 1 and 600", { status: 400 });
      out.clipSeconds = n;
    } else if (a.startsWith("-")) throw new KeyplaneError("USAGE", `Unknown option ${a}\n\n${USAGE}`, { status: 400 });
    else pos.push(a);
  }
  if (pos.length > 2) throw new KeyplaneError("USAGE", `Too many arguments\n\n${USAGE}`, { status: 400 });
  if (pos.length === 2) { out.input = pos[0]!; out.outDir = pos[1]!; }
  else if (pos.length === 1) {
    // one argument: an existing file is the input (output to ./lab-out), anything else is the output directory
    if (existsSync(pos[0]!) && !(/\/$/.test(pos[0]!)) && !isDir(pos[0]!)) out.input = pos[0]!;
    else out.outDir = pos[0]!;
  }
  return out;
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** CLI entry: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) { process.stdout.write(USAGE + "\n"); return 0; }
    const r = await packageMedia({
      outDir: args.outDir, keyServerUrl: args.keyServerUrl,
      ...(args.input ? { input: args.input } : {}), ...(args.contentId ? { contentId: args.contentId } : {}),
      ...(args.clipSeconds ? { clipSeconds: args.clipSeconds } : {}),
      log: (m) => process.stderr.write(m + "\n"),
    });
    process.stdout.write(JSON.stringify(r, null, 2) + "\n");
    return 0;
  } catch (e) {
    const msg = isKeyplaneError(e) ? e.message : (e as Error)?.message ?? String(e);
    process.stderr.write(`keyplane package: ${msg}\n`);
    return isKeyplaneError(e) && e.status < 500 ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
