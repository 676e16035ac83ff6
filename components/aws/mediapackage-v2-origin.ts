/**
 * MediaPackageV2Origin: a MediaPackage v2 channel group, channel and origin endpoints (CMAF with HLS and DASH
 * manifests; TS for HLS AES-128 / SAMPLE-AES), encrypted with SPEKE v2 against a key provider (SpekeKeyServer or
 * SpekeVendorProxy). Combinations AWS would reject are refused at construction with a message naming the endpoint.
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { assertDrmSystems, assertPresets, v2AudioPreset, v2VideoPreset, type AudioPreset, type DrmSystemName, type VideoPreset } from "./mediapackage-encryption";

export const MP2_MIN_KEY_ROTATION_SECONDS = 300;
export const MP2_MAX_KEY_ROTATION_SECONDS = 31_536_000;
const NAME_RE = /^[a-zA-Z0-9_-]{1,256}$/;
const MANIFEST_RE = /^[a-zA-Z0-9_-]{1,256}$/;

export interface Mp2EncryptionArgs {
  drmSystems: DrmSystemName[];
  /** CMAF: CENC or CBCS. TS: AES_128 (Clear Key AES-128) or SAMPLE_AES (FairPlay). */
  method: "CENC" | "CBCS" | "AES_128" | "SAMPLE_AES";
  videoPreset: VideoPreset;
  audioPreset: AudioPreset;
  /** Key rotation, at least 300 s (MediaPackage v2). Default 300. */
  keyRotationIntervalSeconds?: number;
  /** SPEKE resource id (content id). Default: the endpoint name. */
  resourceId?: pulumi.Input<string>;
  /** Content key encryption certificate (SpekeCertificate.certificateArn). */
  certificateArn?: pulumi.Input<string>;
}

export interface Mp2EndpointArgs {
  name: string;
  container: "CMAF" | "TS";
  /** HLS manifest names. Default `["index"]`. */
  hlsManifests?: string[];
  /** DASH manifest names (CMAF only). Default `["index"]` for CMAF, none for TS. */
  dashManifests?: string[];
  segmentDurationSeconds?: number;
  startoverWindowSeconds?: number;
  encryption?: Mp2EncryptionArgs;
}

export interface MediaPackageV2OriginArgs {
  /** Default: the component name. */
  channelGroupName?: string;
  channelName?: string;
  inputType?: "HLS" | "CMAF";
  /** The SPEKE key provider: URL and the role MediaPackage assumes. */
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  endpoints: Mp2EndpointArgs[];
  tags?: Record<string, string>;
}

export interface Mp2EndpointOutputs {
  hls: string[];
  dash: string[];
}

/** Which DRM systems MediaPackage v2 accepts for a container and method. */
export function mp2AllowedSystems(container: "CMAF" | "TS", method: Mp2EncryptionArgs["method"]): DrmSystemName[] {
  if (container === "TS") {
    if (method === "AES_128") return ["CLEAR_KEY_AES_128"];
    if (method === "SAMPLE_AES") return ["FAIRPLAY"];
    return [];
  }
  if (method === "CBCS") return ["FAIRPLAY", "PLAYREADY", "WIDEVINE", "IRDETO"];
  if (method === "CENC") return ["PLAYREADY", "WIDEVINE", "IRDETO"];
  return [];
}

export function validateMp2Endpoint(e: Mp2EndpointArgs): void {
  const where = `MediaPackageV2Origin endpoint "${e?.name}"`;
  if (!e || !NAME_RE.test(e.name)) throw new Error(`${where}: name must match ${NAME_RE}`);
  if (e.container !== "CMAF" && e.container !== "TS") throw new Error(`${where}: container must be CMAF or TS`);
  for (const m of [...(e.hlsManifests ?? []), ...(e.dashManifests ?? [])]) if (!MANIFEST_RE.test(m)) throw new Error(`${where}: manifest name "${m}" must match ${MANIFEST_RE}`);
  if (e.container === "TS" && e.dashManifests && e.dashManifests.length > 0) throw new Error(`${where}: DASH manifests need the CMAF container`);
  const enc = e.encryption;
  if (!enc) return;
  const methods = e.container === "CMAF" ? ["CENC", "CBCS"] : ["AES_128", "SAMPLE_AES"];
  if (!methods.includes(enc.method)) throw new Error(`${where}: ${e.container} encryption method must be ${methods.join(" or ")} (got ${enc.method})`);
  if (enc.drmSystems?.includes("FAIRPLAY") && enc.method === "CENC") throw new Error(`${where}: FairPlay needs CBCS (got CENC)`);
  assertDrmSystems(where, enc.drmSystems, mp2AllowedSystems(e.container, enc.method));
  assertPresets(where, enc.videoPreset, enc.audioPreset);
  const rot = enc.keyRotationIntervalSeconds ?? MP2_MIN_KEY_ROTATION_SECONDS;
  if (!Number.isInteger(rot) || rot < MP2_MIN_KEY_ROTATION_SECONDS || rot > MP2_MAX_KEY_ROTATION_SECONDS) {
    throw new Error(`${where}: keyRotationIntervalSeconds must be an integer from ${MP2_MIN_KEY_ROTATION_SECONDS} to ${MP2_MAX_KEY_ROTATION_SECONDS} (got ${rot})`);
  }
}

export class MediaPackageV2Origin extends pulumi.ComponentResource {
  readonly channelGroupName: pulumi.Output<string>;
  readonly channelName: pulumi.Output<string>;
  /** Where the encoder (MediaLive, Elemental Live...) pushes. */
  readonly ingestEndpointUrls: pulumi.Output<string[]>;
  /** Playback URLs per endpoint name. */
  readonly playbackUrls: pulumi.Output<Record<string, Mp2EndpointOutputs>>;

  constructor(name: string, args: MediaPackageV2OriginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:MediaPackageV2Origin", name, {}, opts);
    if (!args?.speke?.url || !args.speke.roleArn) throw new Error("MediaPackageV2Origin: speke.url and speke.roleArn are required");
    if (!Array.isArray(args.endpoints) || args.endpoints.length === 0) throw new Error("MediaPackageV2Origin: endpoints must list at least one endpoint");
    const names = new Set<string>();
    for (const e of args.endpoints) {
      validateMp2Endpoint(e);
      if (names.has(e.name)) throw new Error(`MediaPackageV2Origin: endpoint name "${e.name}" is used twice`);
      names.add(e.name);
    }
    const groupName = args.channelGroupName ?? name;
    const channelName = args.channelName ?? `${name}-channel`;
    for (const [k, v] of [["channelGroupName", groupName], ["channelName", channelName]] as const) {
      if (!NAME_RE.test(v)) throw new Error(`MediaPackageV2Origin: ${k} "${v}" must match ${NAME_RE}`);
    }
    if (args.inputType !== undefined && args.inputType !== "HLS" && args.inputType !== "CMAF") throw new Error("MediaPackageV2Origin: inputType must be HLS or CMAF");
    const opt = { parent: this };
    const tags = Object.entries(args.tags ?? {}).map(([key, value]) => ({ key, value }));

    const group = new awsNative.mediapackagev2.ChannelGroup(`${name}-group`, { channelGroupName: groupName, description: "Keyplane channel group", tags }, opt);
    const channel = new awsNative.mediapackagev2.Channel(`${name}-channel`, {
      channelGroupName: group.channelGroupName,
      channelName,
      inputType: args.inputType ?? "HLS",
      description: "Keyplane channel",
      tags,
    }, opt);

    const playback: Record<string, pulumi.Output<Mp2EndpointOutputs>> = {};
    for (const e of args.endpoints) {
      const enc = e.encryption;
      const encryption = enc
        ? {
          encryptionMethod: e.container === "CMAF"
            ? { cmafEncryptionMethod: enc.method as "CENC" | "CBCS" }
            : { tsEncryptionMethod: enc.method as "AES_128" | "SAMPLE_AES" },
          keyRotationIntervalSeconds: enc.keyRotationIntervalSeconds ?? MP2_MIN_KEY_ROTATION_SECONDS,
          spekeKeyProvider: {
            url: args.speke.url,
            roleArn: args.speke.roleArn,
            resourceId: enc.resourceId ?? e.name,
            drmSystems: enc.drmSystems,
            encryptionContractConfiguration: {
              presetSpeke20Video: v2VideoPreset(enc.videoPreset) as awsNative.types.enums.mediapackagev2.OriginEndpointPresetSpeke20Video,
              presetSpeke20Audio: v2AudioPreset(enc.audioPreset) as awsNative.types.enums.mediapackagev2.OriginEndpointPresetSpeke20Audio,
            },
            ...(enc.certificateArn ? { certificateArn: enc.certificateArn } : {}),
          },
        }
        : undefined;
      const hls = e.hlsManifests ?? ["index"];
      const dash = e.container === "CMAF" ? (e.dashManifests ?? ["index"]) : [];
      const endpoint = new awsNative.mediapackagev2.OriginEndpoint(`${name}-${e.name}`, {
        channelGroupName: group.channelGroupName,
        channelName: channel.channelName,
        originEndpointName: e.name,
        containerType: e.container,
        segment: {
          segmentDurationSeconds: e.segmentDurationSeconds ?? 6,
          ...(encryption ? { encryption } : {}),
        },
        hlsManifests: hls.map((m) => ({ manifestName: m })),
        ...(dash.length ? { dashManifests: dash.map((m) => ({ manifestName: m })) } : {}),
        ...(e.startoverWindowSeconds !== undefined ? { startoverWindowSeconds: e.startoverWindowSeconds } : {}),
        tags,
      }, opt);
      playback[e.name] = pulumi.all([endpoint.hlsManifestUrls, endpoint.dashManifestUrls]).apply(([h, d]) => ({ hls: h ?? [], dash: d ?? [] }));
    }

    this.channelGroupName = group.channelGroupName;
    this.channelName = channel.channelName;
    this.ingestEndpointUrls = channel.ingestEndpointUrls;
    this.playbackUrls = pulumi.all(playback);
    this.registerOutputs({ channelGroupName: this.channelGroupName, channelName: this.channelName, ingestEndpointUrls: this.ingestEndpointUrls, playbackUrls: this.playbackUrls });
  }
}
