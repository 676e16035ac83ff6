/**
 * The SPEKE v2 encryption contract as MediaPackage accepts it, validated before AWS sees it.
 *
 * Presets are written once (`1`..`8` video, `1`..`3` audio, `"SHARED"`, `"UNENCRYPTED"`) and rendered in each API's
 * spelling: MediaPackage v2 (and MediaConvert) `PRESET_VIDEO_1`, MediaPackage v1 / CloudFormation `PRESET-VIDEO-1`.
 * Rules (AWS SPEKE v2 "encryption contract" and MediaPackage docs): SHARED must be used on both sides; UNENCRYPTED
 * cannot be combined with UNENCRYPTED or SHARED; FairPlay needs CBCS (CMAF) or SAMPLE_AES (TS).
 */
import type * as pulumi from "@pulumi/pulumi";
import { SYSTEM_IDS, type DrmSystemName, type SystemId } from "../../functions/drm/systems";
import { checkInput, shown } from "../shared/inputs";
import type { MediaPackageSpekeProviderArgs } from "./mediapackage-speke-args";
export type VideoPreset = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | "SHARED" | "UNENCRYPTED";
export type AudioPreset = 1 | 2 | 3 | "SHARED" | "UNENCRYPTED";

/**
 * AWS MediaPackage's DRM system names: v2 `DrmSystems` enum values (CloudFormation `AWS::MediaPackageV2::OriginEndpoint`
 * `EncryptionMethod`/`DrmSystems`), plus v1's `AES_128` (HLS AES-128, which v1 addresses by system id). A different
 * vocabulary from Keyplane's DRM system names (functions/drm/systems.ts): `mediaPackageDrmSystem` maps one onto the other.
 */
export type MediaPackageDrmSystem = "WIDEVINE" | "PLAYREADY" | "FAIRPLAY" | "CLEAR_KEY_AES_128" | "IRDETO" | "AES_128";
/** The systems MediaPackage v2 takes in `drmSystems`. */
export type Mp2DrmSystem = Exclude<MediaPackageDrmSystem, "AES_128">;
export const MP2_DRM_SYSTEMS: readonly Mp2DrmSystem[] = [
  "WIDEVINE",
  "PLAYREADY",
  "FAIRPLAY",
  "CLEAR_KEY_AES_128",
  "IRDETO",
];

/** MediaPackage name -> Keyplane name. Irdeto has none: Keyplane's key server does not serve it (MediaPackage may still name it). */
const KEYPLANE_NAME: Readonly<Record<Exclude<MediaPackageDrmSystem, "IRDETO">, DrmSystemName>> = {
  WIDEVINE: "widevine",
  PLAYREADY: "playready",
  FAIRPLAY: "fairplay",
  CLEAR_KEY_AES_128: "clearKeyAes128",
  /** MediaPackage v1 HLS AES-128: the AWS-specific SPEKE id. */
  AES_128: "hlsAes128",
};

/** Keyplane's name (functions/drm/systems.ts) of a MediaPackage DRM system name; undefined for IRDETO. */
export function mediaPackageDrmSystem(name: MediaPackageDrmSystem): DrmSystemName | undefined {
  return name === "IRDETO" ? undefined : KEYPLANE_NAME[name];
}

/** The DRM system id MediaPackage v1 `systemIds` takes for one of its DRM systems (functions/drm/systems.ts). */
export function mediaPackageSystemId(name: Exclude<MediaPackageDrmSystem, "IRDETO">): SystemId {
  return SYSTEM_IDS[KEYPLANE_NAME[name]];
}

export function assertPresets(where: string, video: VideoPreset, audio: AudioPreset): void {
  const okVideo =
    video === "SHARED" ||
    video === "UNENCRYPTED" ||
    (Number.isInteger(video) && (video as number) >= 1 && (video as number) <= 8);
  const okAudio =
    audio === "SHARED" ||
    audio === "UNENCRYPTED" ||
    (Number.isInteger(audio) && (audio as number) >= 1 && (audio as number) <= 3);
  if (!okVideo) throw new Error(`${where}: videoPreset must be 1..8, "SHARED" or "UNENCRYPTED" (got ${String(video)})`);
  if (!okAudio) throw new Error(`${where}: audioPreset must be 1..3, "SHARED" or "UNENCRYPTED" (got ${String(audio)})`);
  if ((video === "SHARED") !== (audio === "SHARED"))
    throw new Error(`${where}: SHARED must be used for both videoPreset and audioPreset`);
  if (video === "UNENCRYPTED" && audio === "UNENCRYPTED")
    throw new Error(
      `${where}: videoPreset and audioPreset cannot both be UNENCRYPTED (drop the encryption block instead)`,
    );
}

/** MediaPackage v2 / MediaConvert spelling. */
export function v2VideoPreset(p: VideoPreset): string {
  return typeof p === "number" ? `PRESET_VIDEO_${p}` : p;
}
export function v2AudioPreset(p: AudioPreset): string {
  return typeof p === "number" ? `PRESET_AUDIO_${p}` : p;
}
/** MediaPackage v1 / CloudFormation spelling. */
export function v1VideoPreset(p: VideoPreset): string {
  return typeof p === "number" ? `PRESET-VIDEO-${p}` : p;
}
export function v1AudioPreset(p: AudioPreset): string {
  return typeof p === "number" ? `PRESET-AUDIO-${p}` : p;
}

export function assertDrmSystems(where: string, systems: readonly string[], allowed: readonly string[]): void {
  if (!Array.isArray(systems) || systems.length === 0)
    throw new Error(`${where}: drmSystems must list at least one DRM system`);
  const seen = new Set<string>();
  for (const s of systems) {
    if (!allowed.includes(s))
      throw new Error(`${where}: DRM system ${s} is not allowed here (allowed: ${allowed.join(", ")})`);
    if (seen.has(s)) throw new Error(`${where}: DRM system ${s} is listed twice`);
    seen.add(s);
  }
}

const ROLE_ARN_RE = /^arn:[a-z-]+:iam:[a-z0-9-]*:\d{12}:role\/\S+$/;

/** The SPEKE key provider of an origin (`{ url, roleArn }`, Inputs), checked when known: https URL, IAM role ARN. */
export function checkSpekeProvider(
  component: string,
  speke: MediaPackageSpekeProviderArgs,
): { url: pulumi.Output<string>; roleArn: pulumi.Output<string> } {
  return {
    url: checkInput(speke.url, (u) => {
      if (typeof u !== "string" || !/^https:\/\/\S+$/.test(u))
        throw new Error(`${component}: speke.url ${shown(u)} must be an https URL`);
      return u;
    }),
    roleArn: checkInput(speke.roleArn, (a) => {
      if (typeof a !== "string" || !ROLE_ARN_RE.test(a))
        throw new Error(`${component}: speke.roleArn ${shown(a)} must be an IAM role ARN`);
      return a;
    }),
  };
}
