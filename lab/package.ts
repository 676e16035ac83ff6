/**
 * The packaging command: input video (or a generated test clip) -> clear H.264/AAC mezzanine (ffmpeg) -> keys, KIDs
 * and signalling from the running key server over SPEKE v2 (encryption contract PRESET-VIDEO-1 + PRESET-AUDIO-1:
 * separate video and audio keys) -> Shaka Packager in raw-key mode writes DASH `cenc` and HLS fMP4 `cbcs`; ffmpeg
 * writes HLS MPEG-TS with AES-128. The lab then writes the key server's signalling into the manifests (the MPD's
 * ContentProtection elements, the playlists' #EXT-X-KEY lines) and an exchange summary for the demo page. The
 * formats are one function each in package-formats.ts; this file runs them in order and is the CLI.
 *
 *   npm run package -- [input] [outdir] [--key-server URL] [--content-id ID] [--seconds N]
 */
import { randomUUID } from "node:crypto";
import { promises as fs, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KeyplaneError, isKeyplaneError } from "../functions/errors";
import { kidToUuid } from "../functions/keys/kid";
import { makeTestClip, transcodeClear, type Progress } from "./ffmpeg";
import {
  countFiles,
  packageDash,
  packageHlsAes128,
  packageHlsCbcs,
  psshCount,
  requestDashKeys,
  type FormatJob,
} from "./package-formats";
import { packagerVersion } from "./shaka";

export const DEFAULT_KEY_SERVER = "http://127.0.0.1:8787";
export const MANIFEST_FILE = "keyplane.json";
export const EXCHANGE_FILE = "exchange.json";

export interface PackageOptions {
  /** Input video; a test clip is generated when absent. */
  input?: string;
  outDir: string;
  keyServerUrl?: string;
  contentId?: string;
  /** Generated clip length (seconds). */
  clipSeconds?: number;
  /** Segment length (seconds). */
  fragmentSec?: number;
  /** Extra headers for the SPEKE call (e.g. auth in front of a deployed key server). */
  spekeHeaders?: Record<string, string>;
  /** Keep the intermediate files (the clear mezzanine `clear.mp4`) in this directory instead of a temporary one. */
  workDir?: string;
  log?: Progress;
}

/** What was written (paths relative to outDir); no key material. Also saved as `<outDir>/keyplane.json`. */
export interface PackageResult {
  contentId: string;
  keyServerUrl: string;
  /** Shaka Packager version that wrote DASH and HLS fMP4. */
  packager: string;
  /** DASH, CMAF fragments, Common Encryption `cenc` (AES-CTR). */
  dash: string;
  /** HLS, fMP4 fragments, `cbcs` (METHOD=SAMPLE-AES). */
  hlsCbcs: string;
  /** HLS, MPEG-TS segments, whole-segment AES-128-CBC (METHOD=AES-128). */
  hls: string;
  /** The SPEKE exchanges (no key material), for the demo page. */
  exchange: string;
  kids: { video: string; audio?: string; cbcsVideo: string; cbcsAudio?: string; hls: string };
  durationSec: number;
  segments: { video: number; audio: number; cbcsVideo: number; cbcsAudio: number; hls: number };
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
    throw new KeyplaneError(
      "KEY_SERVER_UNREACHABLE",
      `Cannot reach the key server at ${url} (${(e as Error).message}). Start it with \`npm start\` or pass --key-server URL.`,
      { status: 502 },
    );
  }
}

export async function packageMedia(o: PackageOptions): Promise<PackageResult> {
  const log = o.log ?? (() => undefined);
  const step = stepper(log, 7);
  const keyServerUrl = (o.keyServerUrl ?? DEFAULT_KEY_SERVER).replace(/\/+$/, "");
  try {
    new URL(keyServerUrl);
  } catch {
    throw new KeyplaneError("CONFIG_INVALID", `--key-server ${JSON.stringify(keyServerUrl)} is not a URL`, {
      status: 400,
    });
  }
  const contentId = o.contentId ?? `keyplane-lab-${randomUUID().slice(0, 8)}`;
  const outDir = resolve(o.outDir);
  const seg = o.fragmentSec ?? 2;
  if (o.input !== undefined) {
    const st = await fs.stat(o.input).catch(() => undefined);
    if (!st) throw new KeyplaneError("INPUT_INVALID", `Input file not found: ${o.input}`, { status: 400 });
    if (!st.isFile()) throw new KeyplaneError("INPUT_INVALID", `Input is not a file: ${o.input}`, { status: 400 });
  }
  await checkKeyServer(keyServerUrl);
  const packager = await packagerVersion();
  const keep = o.workDir !== undefined;
  const work = keep ? resolve(o.workDir!) : await fs.mkdtemp(join(tmpdir(), "keyplane-package-"));
  await fs.mkdir(work, { recursive: true });
  // flag files with keys go into a private directory of their own, removed whatever happens
  const secrets = await fs.mkdtemp(join(tmpdir(), "keyplane-keys-"));
  try {
    let input = o.input;
    if (input === undefined) {
      step(`Generating a ${o.clipSeconds ?? 8} s test clip with ffmpeg`);
      input = await makeTestClip(join(work, "clip.mp4"), { seconds: o.clipSeconds ?? 8 }, (m) => log(`      ${m}`));
    } else {
      step(`Input ${input}`);
    }
    step("Transcoding to a clear H.264 + AAC mezzanine (ffmpeg)");
    const clear = await transcodeClear(input, join(work, "clear.mp4"), {
      keyframeSec: seg,
      progress: (m) => log(`      ${m}`),
    });
    const job: FormatJob = {
      clear,
      outDir,
      contentId,
      keyServerUrl,
      ...(o.spekeHeaders ? { spekeHeaders: o.spekeHeaders } : {}),
      segmentSec: seg,
      secrets,
      log,
      exchanges: [],
    };

    step(
      `SPEKE v2.0 to ${keyServerUrl}/speke: DASH keys (PRESET-VIDEO-1 + PRESET-AUDIO-1, cenc; ClearKey, Widevine, PlayReady)`,
    );
    const dashKeys = await requestDashKeys(job);
    step(`Shaka Packager ${packager}: DASH, cenc (AES-CTR, subsamples), ${psshCount(dashKeys)} PSSH boxes from SPEKE`);
    const dashDir = await packageDash(job, dashKeys);

    step(
      "SPEKE v2.0: HLS fMP4 keys (PRESET-VIDEO-1 + PRESET-AUDIO-1, cbcs) and Shaka Packager: HLS, cbcs (SAMPLE-AES)",
    );
    const { dir: cbcsDir, keys: cbcsKeys } = await packageHlsCbcs(job);

    step("SPEKE v2.0: the HLS MPEG-TS key (SHARED, Clear Key AES-128) and ffmpeg: HLS AES-128");
    const hls = await packageHlsAes128(job, cbcsDir);

    const result: PackageResult = {
      contentId,
      keyServerUrl,
      packager,
      dash: "dash/manifest.mpd",
      hlsCbcs: "hls-cbcs/master.m3u8",
      hls: "hls/master.m3u8",
      exchange: EXCHANGE_FILE,
      kids: {
        video: kidToUuid(dashKeys.video.kid),
        ...(dashKeys.audio ? { audio: kidToUuid(dashKeys.audio.kid) } : {}),
        cbcsVideo: kidToUuid(cbcsKeys.video.kid),
        ...(cbcsKeys.audio ? { cbcsAudio: kidToUuid(cbcsKeys.audio.kid) } : {}),
        hls: kidToUuid(hls.kid),
      },
      durationSec: clear.durationSec,
      segments: {
        video: await countFiles(join(dashDir, "video"), ".m4s"),
        audio: await countFiles(join(dashDir, "audio"), ".m4s"),
        cbcsVideo: await countFiles(join(cbcsDir, "video"), ".m4s"),
        cbcsAudio: await countFiles(join(cbcsDir, "audio"), ".m4s"),
        hls: hls.segments,
      },
    };
    await fs.writeFile(
      join(outDir, EXCHANGE_FILE),
      JSON.stringify({ keyServerUrl, packager, exchanges: job.exchanges }, null, 2) + "\n",
    );
    await fs.writeFile(join(outDir, MANIFEST_FILE), JSON.stringify(result, null, 2) + "\n");
    step(`Done: ${join(outDir, result.dash)}, ${join(outDir, result.hlsCbcs)} and ${join(outDir, result.hls)}`);
    return result;
  } finally {
    await fs.rm(secrets, { recursive: true, force: true });
    if (!keep) await fs.rm(work, { recursive: true, force: true });
  }
}

/** Every KID of a packaging result (for the token request). */
export function resultKids(r: PackageResult): string[] {
  const k = r.kids;
  return [k.video, k.audio, k.cbcsVideo, k.cbcsAudio, k.hls].filter((x): x is string => typeof x === "string");
}

export const USAGE = `Usage: keyplane package [input] [outdir] [options]
       npm run package -- [input] [outdir] [options]

  input               a video file (any format ffmpeg reads); omit to generate an 8 s test clip
  outdir              where the outputs are written (default: ./lab-out)
  --key-server URL    the running Keyplane key server (default: $KEYPLANE_URL or ${DEFAULT_KEY_SERVER})
  --content-id ID     CPIX contentId (default: keyplane-lab-<random>)
  --seconds N         length of the generated test clip (default: 8)
  -h, --help          this help

Keys, KIDs and signalling come from the key server over SPEKE v2.0 (CPIX 2.3), encryption contract
PRESET-VIDEO-1 + PRESET-AUDIO-1 (one video key, one audio key) per encrypted format. ffmpeg transcodes the input
to H.264 + AAC; Shaka Packager (npm shaka-packager, raw-key mode) encrypts the fMP4 outputs.

Formats written into outdir:
  dash/manifest.mpd      DASH, CMAF fragments, Common Encryption 'cenc' (AES-CTR). ContentProtection for ClearKey
                         (dashif:Laurl -> /clearkey), W3C common PSSH, Widevine and PlayReady, from SPEKE's
                         ContentProtectionData; the PSSH boxes in the init segments are SPEKE's.
  hls-cbcs/master.m3u8   HLS, fMP4 fragments, 'cbcs' (METHOD=SAMPLE-AES): SPEKE's #EXT-X-KEY lines for Widevine,
                         PlayReady and FairPlay, plus KEYFORMAT="identity" (ClearKey: the key from /hls/key/{kid}).
  hls/master.m3u8        HLS, MPEG-TS, whole-segment AES-128 (METHOD=AES-128, key from /hls/key/{kid}); ffmpeg.
  keyplane.json          what was written and the KIDs (no keys); exchange.json: the SPEKE exchanges (no keys)`;

export interface CliArgs {
  input?: string;
  outDir: string;
  keyServerUrl: string;
  contentId?: string;
  clipSeconds?: number;
  help?: boolean;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const pos: string[] = [];
  const out: CliArgs = { outDir: "lab-out", keyServerUrl: env.KEYPLANE_URL ?? DEFAULT_KEY_SERVER };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--"))
        throw new KeyplaneError("USAGE", `${a} needs a value\n\n${USAGE}`, { status: 400 });
      return v;
    };
    if (a === "-h" || a === "--help") out.help = true;
    else if (a === "--key-server") out.keyServerUrl = val();
    else if (a === "--content-id") out.contentId = val();
    else if (a === "--seconds") {
      const n = Number(val());
      if (!Number.isFinite(n) || n < 1 || n > 600)
        throw new KeyplaneError("USAGE", "--seconds must be between 1 and 600", { status: 400 });
      out.clipSeconds = n;
    } else if (a.startsWith("-")) throw new KeyplaneError("USAGE", `Unknown option ${a}\n\n${USAGE}`, { status: 400 });
    else pos.push(a);
  }
  if (pos.length > 2) throw new KeyplaneError("USAGE", `Too many arguments\n\n${USAGE}`, { status: 400 });
  if (pos.length === 2) {
    out.input = pos[0]!;
    out.outDir = pos[1]!;
  } else if (pos.length === 1) {
    // one argument: an existing file is the input (output to ./lab-out), anything else is the output directory
    if (existsSync(pos[0]!) && !/\/$/.test(pos[0]!) && !isDir(pos[0]!)) out.input = pos[0]!;
    else out.outDir = pos[0]!;
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** CLI entry: returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    const r = await packageMedia({
      outDir: args.outDir,
      keyServerUrl: args.keyServerUrl,
      ...(args.input ? { input: args.input } : {}),
      ...(args.contentId ? { contentId: args.contentId } : {}),
      ...(args.clipSeconds ? { clipSeconds: args.clipSeconds } : {}),
      log: (m) => process.stderr.write(m + "\n"),
    });
    process.stdout.write(JSON.stringify(r, null, 2) + "\n");
    return 0;
  } catch (e) {
    const msg = isKeyplaneError(e) ? e.message : ((e as Error)?.message ?? String(e));
    process.stderr.write(`keyplane package: ${msg}\n`);
    return isKeyplaneError(e) && e.status < 500 ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
