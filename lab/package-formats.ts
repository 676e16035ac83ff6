/**
 * The three encrypted formats the lab's packaging writes, one function each: keys and signalling from the key server
 * over SPEKE v2.0 (PRESET-VIDEO-1 + PRESET-AUDIO-1: separate video and audio keys), then the packager, then the key
 * server's signalling written into the manifests. DASH `cenc` and HLS fMP4 `cbcs` by Shaka Packager in raw-key mode;
 * HLS MPEG-TS AES-128 by ffmpeg. Key material only ever sits in `secrets`, a private directory the caller removes.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { kidFromUuid, kidToUuid } from "../functions/keys/kid";
import { hlsAes128, type Progress } from "./ffmpeg";
import { DASHIF_CPS_NS, protectMpd, type ServerContentProtection } from "./dash/mpd";
import {
  applyKeyLine,
  applySampleAesLines,
  identitySampleAesLine,
  keyAttribute,
  writeMasterPlaylist,
} from "./hls/playlists";
import { runPackager, type StreamDescriptor } from "./shaka";
import { keyFor, requestKeys, SPEKE_SYSTEMS, type SpekeKey, type SpekeRequestSpec } from "./speke-client";
import { summarizeExchange, type SpekeExchangeSummary } from "./speke-exchange";

/** What every format step needs: the clear mezzanine, where to write, the key server and the private key directory. */
export interface FormatJob {
  clear: { file: string; hasAudio: boolean; durationSec: number };
  outDir: string;
  contentId: string;
  keyServerUrl: string;
  spekeHeaders?: Record<string, string>;
  /** Segment length (seconds). */
  segmentSec: number;
  /** Private directory for key files (removed by the caller). */
  secrets: string;
  log: Progress;
  /** The SPEKE exchanges so far (no key material); each step adds its own. */
  exchanges: SpekeExchangeSummary[];
}

export const countFiles = async (dir: string, ext: string) =>
  (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(ext)).length;

const PSSH_SYSTEMS: readonly string[] = [SPEKE_SYSTEMS.w3cCommon, SPEKE_SYSTEMS.widevine, SPEKE_SYSTEMS.playready];

/** Every PSSH box of the response, key by key (Shaka Packager writes them all into every init segment). */
function psshBoxes(keys: SpekeKey[]): Buffer[] {
  return keys.flatMap((k) =>
    PSSH_SYSTEMS.flatMap((id) => k.systems.filter((s) => s.systemId === id && s.pssh).map((s) => s.pssh!)),
  );
}

export interface Tracks {
  video: SpekeKey;
  audio?: SpekeKey;
}

/** Asks the key server for a video key and (when there is audio) an audio key; PRESET-VIDEO-1 + PRESET-AUDIO-1. */
async function presetKeys(
  purpose: string,
  spec: Omit<SpekeRequestSpec, "keys">,
  hasAudio: boolean,
  url: string,
  headers?: Record<string, string>,
): Promise<Tracks & { summary: SpekeExchangeSummary }> {
  const want = { video: kidFromUuid(randomUUID()), audio: kidFromUuid(randomUUID()) };
  const full: SpekeRequestSpec = {
    ...spec,
    keys: [
      { kid: want.video, trackType: "VIDEO" },
      ...(hasAudio ? [{ kid: want.audio, trackType: "AUDIO" as const }] : []),
    ],
  };
  const keys = await requestKeys(full, { url, ...(headers ? { headers } : {}) });
  const video = keyFor(keys, "VIDEO", want.video);
  const audio = hasAudio ? keyFor(keys, "AUDIO", want.audio) : undefined;
  return { video, ...(audio ? { audio } : {}), summary: summarizeExchange(purpose, full, keys, url) };
}

function labelled(t: Tracks): { label: string; key: SpekeKey; type: "video" | "audio" }[] {
  return [
    { label: "VIDEO", key: t.video, type: "video" as const },
    ...(t.audio ? [{ label: "AUDIO", key: t.audio, type: "audio" as const }] : []),
  ];
}

/** ContentProtectionData per system (ClearKey first); the lab's own ClearKey Laurl if the key server sent none. */
function dashSystems(k: SpekeKey, keyServerUrl: string): ServerContentProtection[] {
  const order = [
    SPEKE_SYSTEMS.clearKeyAes128,
    SPEKE_SYSTEMS.w3cCommon,
    SPEKE_SYSTEMS.widevine,
    SPEKE_SYSTEMS.playready,
  ];
  const out = order.flatMap((id) =>
    k.systems
      .filter((s) => s.systemId === id && s.contentProtectionData)
      .map((s) => ({ systemId: s.systemId, innerXml: s.contentProtectionData! })),
  );
  if (!out.some((s) => s.systemId === SPEKE_SYSTEMS.clearKeyAes128)) {
    out.unshift({
      systemId: SPEKE_SYSTEMS.clearKeyAes128,
      innerXml: `<dashif:Laurl xmlns:dashif="${DASHIF_CPS_NS}">${keyServerUrl}/clearkey</dashif:Laurl>`,
    });
  }
  return out;
}

/** The SAMPLE-AES lines for one cbcs key: the key server's (Widevine, PlayReady, FairPlay), then ClearKey "identity". */
function cbcsKeyLines(k: SpekeKey, keyServerUrl: string): string[] {
  const from = (id: string) => k.systems.find((s) => s.systemId === id)?.hlsMedia;
  const drm = [SPEKE_SYSTEMS.widevine, SPEKE_SYSTEMS.playready, SPEKE_SYSTEMS.fairplay].flatMap((id) => from(id) ?? []);
  // The key server signals its Clear Key system as AES-128 (MPEG-TS); for fMP4 cbcs the same key URI is the
  // "identity" SAMPLE-AES key. Players take the KEYFORMAT they support; ffmpeg takes the last line.
  const clear = from(SPEKE_SYSTEMS.clearKeyAes128);
  const uri = (clear ? keyAttribute(clear, "URI") : undefined) ?? `${keyServerUrl}/hls/key/${kidToUuid(k.kid)}`;
  return [...drm, identitySampleAesLine(uri)];
}

const kidLine = (t: Tracks) =>
  `      video KID ${kidToUuid(t.video.kid)}${t.audio ? `, audio KID ${kidToUuid(t.audio.kid)}` : ""}`;

/** DASH keys over SPEKE (cenc; ClearKey, W3C common, Widevine, PlayReady). */
export async function requestDashKeys(job: FormatJob): Promise<Tracks> {
  const keys = await presetKeys(
    "DASH, CMAF cenc",
    {
      contentId: job.contentId,
      scheme: "cenc",
      systems: [
        { systemId: SPEKE_SYSTEMS.clearKeyAes128, contentProtectionData: true },
        { systemId: SPEKE_SYSTEMS.w3cCommon, pssh: true, contentProtectionData: true },
        { systemId: SPEKE_SYSTEMS.widevine, pssh: true, contentProtectionData: true },
        { systemId: SPEKE_SYSTEMS.playready, pssh: true, contentProtectionData: true },
      ],
    },
    job.clear.hasAudio,
    job.keyServerUrl,
    job.spekeHeaders,
  );
  job.exchanges.push(keys.summary);
  job.log(kidLine(keys));
  return keys;
}

/** The number of PSSH boxes the DASH init segments get (for the step's message). */
export function psshCount(t: Tracks): number {
  return psshBoxes(labelled(t).map((x) => x.key)).length;
}

/**
 * One Shaka Packager run in raw-key mode over the clear mezzanine: a stream per track (init segment and numbered
 * fragments under `dir/<video|audio>/`), SPEKE's keys and PSSH boxes, the key files in the private directory.
 */
async function packageTracks(
  job: FormatJob,
  dir: string,
  scheme: "cenc" | "cbcs",
  keys: Tracks,
  extra: { stream?: (type: "video" | "audio") => Partial<StreamDescriptor>; flags: string[] },
): Promise<ReturnType<typeof labelled>> {
  await fs.rm(dir, { recursive: true, force: true });
  const tracks = labelled(keys);
  await runPackager({
    streams: tracks.map(
      (t): StreamDescriptor => ({
        in: job.clear.file,
        stream: t.type,
        drm_label: t.label,
        init_segment: join(dir, t.type, "init.mp4"),
        segment_template: join(dir, t.type, "seg-$Number$.m4s"),
        ...extra.stream?.(t.type),
      }),
    ),
    scheme,
    workDir: job.secrets,
    keys: tracks.map((t) => ({ label: t.label, kid: t.key.kid, key: t.key.key })),
    pssh: psshBoxes(tracks.map((t) => t.key)),
    flags: ["--clear_lead=0", `--segment_duration=${job.segmentSec}`, ...extra.flags],
  });
  return tracks;
}

/** DASH, CMAF, `cenc` (Shaka Packager), then SPEKE's ContentProtection elements into the MPD. */
export async function packageDash(job: FormatJob, keys: Tracks): Promise<string> {
  const dashDir = join(job.outDir, "dash");
  const tracks = await packageTracks(job, dashDir, "cenc", keys, {
    flags: ["--generate_static_live_mpd", `--mpd_output=${join(dashDir, "manifest.mpd")}`],
  });
  const mpdFile = join(dashDir, "manifest.mpd");
  await fs.writeFile(
    mpdFile,
    protectMpd(
      await fs.readFile(mpdFile, "utf8"),
      tracks.map((t) => ({ contentType: t.type, kid: t.key.kid, systems: dashSystems(t.key, job.keyServerUrl) })),
    ),
  );
  return dashDir;
}

/** HLS fMP4 `cbcs` (SAMPLE-AES): its own keys over SPEKE, Shaka Packager, then SPEKE's key lines in the playlists. */
export async function packageHlsCbcs(job: FormatJob): Promise<{ dir: string; keys: Tracks }> {
  const keys = await presetKeys(
    "HLS, fMP4 cbcs (SAMPLE-AES)",
    {
      contentId: `${job.contentId}-cbcs`,
      scheme: "cbcs",
      systems: [
        { systemId: SPEKE_SYSTEMS.clearKeyAes128, hls: true },
        { systemId: SPEKE_SYSTEMS.w3cCommon, pssh: true },
        { systemId: SPEKE_SYSTEMS.widevine, pssh: true, hls: true },
        { systemId: SPEKE_SYSTEMS.playready, pssh: true, hls: true },
        { systemId: SPEKE_SYSTEMS.fairplay, hls: true },
      ],
    },
    job.clear.hasAudio,
    job.keyServerUrl,
    job.spekeHeaders,
  );
  job.exchanges.push(keys.summary);
  job.log(kidLine(keys));
  const dir = join(job.outDir, "hls-cbcs");
  const tracks = await packageTracks(job, dir, "cbcs", keys, {
    stream: (type) => ({
      playlist_name: `${type}.m3u8`,
      ...(type === "audio" ? { hls_group_id: "audio", hls_name: "audio" } : {}),
    }),
    flags: ["--hls_playlist_type=VOD", `--hls_master_playlist_output=${join(dir, "master.m3u8")}`],
  });
  for (const t of tracks) {
    const file = join(dir, `${t.type}.m3u8`);
    await fs.writeFile(
      file,
      applySampleAesLines(await fs.readFile(file, "utf8"), cbcsKeyLines(t.key, job.keyServerUrl)),
    );
  }
  return { dir, keys };
}

/**
 * HLS MPEG-TS, whole-segment AES-128 (ffmpeg): one SHARED Clear Key key over SPEKE; the master playlist's CODECS and
 * RESOLUTION are those Shaka Packager worked out for the same mezzanine (read from the cbcs master playlist).
 */
export async function packageHlsAes128(
  job: FormatJob,
  cbcsDir: string,
): Promise<{ dir: string; kid: Buffer; segments: number }> {
  const want = kidFromUuid(randomUUID());
  const spec: SpekeRequestSpec = {
    contentId: `${job.contentId}-hls`,
    scheme: "cbcs",
    keys: [{ kid: want, trackType: "ALL" }],
    systems: [{ systemId: SPEKE_SYSTEMS.clearKeyAes128, hls: true }],
  };
  const url = job.keyServerUrl;
  const keys = await requestKeys(spec, { url, ...(job.spekeHeaders ? { headers: job.spekeHeaders } : {}) });
  job.exchanges.push(summarizeExchange("HLS, MPEG-TS AES-128", spec, keys, url));
  const key = keyFor(keys, "ALL", want);
  const sig = key.systems.find((s) => s.systemId === SPEKE_SYSTEMS.clearKeyAes128);
  const fallbackUri = `${url}/hls/key/${kidToUuid(key.kid)}`;
  const mediaLine = sig?.hlsMedia ?? `#EXT-X-KEY:METHOD=AES-128,URI="${fallbackUri}"`;
  const keyUri = keyAttribute(mediaLine, "URI") ?? fallbackUri;
  const dir = join(job.outDir, "hls");
  await fs.rm(dir, { recursive: true, force: true });
  const iv = randomBytes(16);
  const playlist = await hlsAes128(
    {
      input: job.clear.file,
      outDir: dir,
      key: key.key,
      keyUri,
      iv,
      segmentSec: job.segmentSec,
      durationSec: job.clear.durationSec,
      progress: (m) => job.log(`      ${m}`),
    },
    join(job.secrets, "hls.key"),
    join(job.secrets, "hls.keyinfo"),
  );
  await fs.writeFile(playlist, applyKeyLine(await fs.readFile(playlist, "utf8"), mediaLine, iv));
  const tsFiles = (await fs.readdir(dir)).filter((f) => f.endsWith(".ts"));
  const tsBytes = (await Promise.all(tsFiles.map((f) => fs.stat(join(dir, f))))).reduce((n, s) => n + s.size, 0);
  const cbcsMaster = await fs.readFile(join(cbcsDir, "master.m3u8"), "utf8");
  const inf = /^#EXT-X-STREAM-INF:(.*)$/m.exec(cbcsMaster)?.[1] ?? "";
  const codecs = keyAttribute(inf, "CODECS") ?? "avc1.4d401e";
  const res = /^(\d+)x(\d+)$/.exec(keyAttribute(inf, "RESOLUTION") ?? "");
  await fs.writeFile(
    join(dir, "master.m3u8"),
    writeMasterPlaylist({
      mediaUri: "stream.m3u8",
      bandwidth: (tsBytes * 8) / Math.max(job.clear.durationSec, 0.001),
      codecs,
      ...(res ? { resolution: { width: Number(res[1]), height: Number(res[2]) } } : {}),
      ...(sig?.hlsMaster ? { sessionKeyLine: sig.hlsMaster } : {}),
    }),
  );
  return { dir, kid: key.kid, segments: tsFiles.length };
}
