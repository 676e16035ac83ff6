/**
 * MediaPackageV1Origin: a MediaPackage (v1) live channel with HLS / DASH / CMAF / MSS origin endpoints and, for VOD,
 * a packaging group with packaging configurations, each encrypted through a SPEKE key provider.
 *
 * MediaPackage v1 takes DRM system ids (not names) and spells presets `PRESET-VIDEO-1`. With an encryption contract
 * (SPEKE v2 presets) it requires `keyRotationIntervalSeconds` = 0: the component forces it and refuses anything else.
 * Without presets (SPEKE v1) one key is used and rotation is allowed (default 0 here too).
 */
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { assertPresets, SYSTEM_IDS, v1AudioPreset, v1VideoPreset, type AudioPreset, type VideoPreset } from "./mediapackage-encryption";

export type Mp1Drm = "WIDEVINE" | "PLAYREADY" | "FAIRPLAY" | "AES_128";
export type Mp1PackageType = "HLS" | "DASH" | "CMAF" | "MSS";
const ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

export interface Mp1EncryptionArgs {
  drmSystems: Mp1Drm[];
  /** HLS: AES_128 or SAMPLE_AES. CMAF: SAMPLE_AES (cbcs) or AES_CTR (cenc). Ignored for DASH/MSS (always cenc). */
  method?: "AES_128" | "SAMPLE_AES" | "AES_CTR";
  /** SPEKE v2 encryption contract (DASH, HLS, CMAF). Both or neither. */
  videoPreset?: VideoPreset;
  audioPreset?: AudioPreset;
  /** SPEKE v1 only (no presets); must be 0 with presets. */
  keyRotationIntervalSeconds?: number;
  /** Live only. Default: the endpoint id. */
  resourceId?: pulumi.Input<string>;
  /** Live only: the content key encryption certificate. */
  certificateArn?: pulumi.Input<string>;
}

export interface Mp1EndpointArgs {
  id: string;
  type: Mp1PackageType;
  segmentDurationSeconds?: number;
  startoverWindowSeconds?: number;
  encryption?: Mp1EncryptionArgs;
}

export interface Mp1VodConfigurationArgs {
  id: string;
  type: Mp1PackageType;
  encryption?: Omit<Mp1EncryptionArgs, "keyRotationIntervalSeconds" | "resourceId" | "certificateArn">;
}

export interface MediaPackageV1OriginArgs {
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  /** Live channel id; default the component name. Omit `endpoints` for a VOD-only origin. */
  channelId?: string;
  endpoints?: Mp1EndpointArgs[];
  vod?: { packagingGroupId?: string; configurations: Mp1VodConfigurationArgs[] };
  tags?: Record<string, string>;
}

/** Which DRM systems each v1 package type takes, per method. */
export function mp1AllowedSystems(type: Mp1PackageType, method?: string): Mp1Drm[] {
  switch (type) {
    case "HLS": return method === "SAMPLE_AES" ? ["FAIRPLAY"] : ["AES_128"];
    case "CMAF": return method === "AES_CTR" ? ["WIDEVINE", "PLAYREADY"] : ["FAIRPLAY", "WIDEVINE", "PLAYREADY"];
    case "DASH": return ["WIDEVINE", "PLAYREADY"];
    case "MSS": return ["PLAYREADY"];
  }
}

export function validateMp1Encryption(where: string, type: Mp1PackageType, enc: Mp1EncryptionArgs): void {
  if (!["HLS", "DASH", "CMAF", "MSS"].includes(type)) throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS`);
  if (type === "HLS" && enc.method !== undefined && enc.method !== "AES_128" && enc.method !== "SAMPLE_AES") throw new Error(`${where}: HLS method must be AES_128 or SAMPLE_AES`);
  if (type === "CMAF" && enc.method !== undefined && enc.method !== "SAMPLE_AES" && enc.method !== "AES_CTR") throw new Error(`${where}: CMAF method must be SAMPLE_AES or AES_CTR`);
  if ((type === "DASH" || type === "MSS") && enc.method !== undefined) throw new Error(`${where}: ${type} has no encryption method choice (always cenc)`);
  if (!Array.isArray(enc.drmSystems) || enc.drmSystems.length === 0) throw new Error(`${where}: drmSystems must list at least one DRM system`);
  if (enc.drmSystems.includes("FAIRPLAY") && (type === "DASH" || type === "MSS" || enc.method === "AES_CTR")) throw new Error(`${where}: FairPlay needs cbcs (HLS/CMAF with SAMPLE_AES)`);
  const allowed = mp1AllowedSystems(type, enc.method);
  for (const d of enc.drmSystems) if (!allowed.includes(d)) throw new Error(`${where}: DRM system ${d} is not allowed for ${type}${enc.method ? ` ${enc.method}` : ""} (allowed: ${allowed.join(", ")})`);
  if (new Set(enc.drmSystems).size !== enc.drmSystems.length) throw new Error(`${where}: a DRM system is listed twice`);
  const hasV = enc.videoPreset !== undefined, hasA = enc.audioPreset !== undefined;
  if (hasV !== hasA) throw new Error(`${where}: set both videoPreset and audioPreset, or neither`);
  if (hasV) {
    if (type === "MSS") throw new Error(`${where}: MSS endpoints do not take an encryption contract (SPEKE v2 presets)`);
    assertPresets(where, enc.videoPreset!, enc.audioPreset!);
    if (enc.keyRotationIntervalSeconds !== undefined && enc.keyRotationIntervalSeconds !== 0) {
      throw new Error(`${where}: with an encryption contract (presets) MediaPackage v1 requires keyRotationIntervalSeconds = 0 (got ${enc.keyRotationIntervalSeconds})`);
    }
  } else if (enc.keyRotationIntervalSeconds !== undefined && (!Number.isInteger(enc.keyRotationIntervalSeconds) || enc.keyRotationIntervalSeconds < 0)) {
    throw new Error(`${where}: keyRotationIntervalSeconds must be a non-negative integer`);
  }
}

type LiveProvider = awsNative.types.input.mediapackage.OriginEndpointSpekeKeyProviderArgs;
type VodProvider = awsNative.types.input.mediapackage.PackagingConfigurationSpekeKeyProviderArgs;

function contract(enc: Mp1EncryptionArgs) {
  return enc.videoPreset !== undefined && enc.audioPreset !== undefined
    ? {
      encryptionContractConfiguration: {
        presetSpeke20Video: v1VideoPreset(enc.videoPreset) as awsNative.types.enums.mediapackage.OriginEndpointEncryptionContractConfigurationPresetSpeke20Video,
        presetSpeke20Audio: v1AudioPreset(enc.audioPreset) as awsNative.types.enums.mediapackage.OriginEndpointEncryptionContractConfigurationPresetSpeke20Audio,
      },
    }
    : {};
}

function liveProvider(speke: MediaPackageV1OriginArgs["speke"], enc: Mp1EncryptionArgs, resourceId: string): LiveProvider {
  return {
    url: speke.url,
    roleArn: speke.roleArn,
    systemIds: enc.drmSystems.map((d) => SYSTEM_IDS[d]),
    resourceId: enc.resourceId ?? resourceId,
    ...(enc.certificateArn ? { certificateArn: enc.certificateArn } : {}),
    ...contract(enc),
  };
}

function vodProvider(speke: MediaPackageV1OriginArgs["speke"], enc: Mp1EncryptionArgs): VodProvider {
  return { url: speke.url, roleArn: speke.roleArn, systemIds: enc.drmSystems.map((d) => SYSTEM_IDS[d]), ...(contract(enc) as Partial<VodProvider>) };
}

export class MediaPackageV1Origin extends pulumi.ComponentResource {
  readonly channelId: pulumi.Output<string | undefined>;
  /** HLS ingest endpoints (URL, username, password): a secret, the password lets anyone push to the channel. */
  readonly ingestEndpoints: pulumi.Output<unknown>;
  /** Live playback URL per endpoint id. */
  readonly playbackUrls: pulumi.Output<Record<string, string>>;
  /** VOD packaging group domain (asset playback URLs hang off it). */
  readonly vodDomainName: pulumi.Output<string | undefined>;

  constructor(name: string, args: MediaPackageV1OriginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:aws:MediaPackageV1Origin", name, {}, opts);
    if (!args?.speke?.url || !args.speke.roleArn) throw new Error("MediaPackageV1Origin: speke.url and speke.roleArn are required");
    const endpoints = args.endpoints ?? [];
    if (endpoints.length === 0 && !args.vod) throw new Error("MediaPackageV1Origin: give live endpoints, vod configurations, or both");
    const ids = new Set<string>();
    for (const e of endpoints) {
      const where = `MediaPackageV1Origin endpoint "${e?.id}"`;
      if (!e || !ID_RE.test(e.id)) throw new Error(`${where}: id must match ${ID_RE}`);
      if (ids.has(e.id)) throw new Error(`${where}: id is used twice`);
      ids.add(e.id);
      if (!["HLS", "DASH", "CMAF", "MSS"].includes(e.type)) throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS`);
      if (e.encryption) validateMp1Encryption(where, e.type, e.encryption);
    }
    for (const c of args.vod?.configurations ?? []) {
      const where = `MediaPackageV1Origin VOD configuration "${c?.id}"`;
      if (!c || !ID_RE.test(c.id)) throw new Error(`${where}: id must match ${ID_RE}`);
      if (c.encryption) validateMp1Encryption(where, c.type, c.encryption);
    }
    if (args.vod && args.vod.configurations.length === 0) throw new Error("MediaPackageV1Origin: vod.configurations must not be empty");
    const opt = { parent: this };
    const tags = Object.entries(args.tags ?? {}).map(([key, value]) => ({ key, value }));

    let channel: awsNative.mediapackage.Channel | undefined;
    const playback: Record<string, pulumi.Output<string>> = {};
    if (endpoints.length) {
      const channelId = args.channelId ?? name;
      if (!ID_RE.test(channelId)) throw new Error(`MediaPackageV1Origin: channelId must match ${ID_RE}`);
      channel = new awsNative.mediapackage.Channel(`${name}-channel`, { awsId: channelId, description: "Keyplane channel", tags }, opt);
      for (const e of endpoints) {
        const enc = e.encryption;
        const seg = e.segmentDurationSeconds ?? 6;
                const rotation = enc ? (enc.videoPreset !== undefined ? 0 : (enc.keyRotationIntervalSeconds ?? 0)) : undefined;
        const pkg: Partial<awsNative.mediapackage.OriginEndpointArgs> = {};
        if (e.type === "HLS") {
          pkg.hlsPackage = { segmentDurationSeconds: seg, ...(enc ? { encryption: { encryptionMethod: (enc.method ?? "AES_128") as "AES_128" | "SAMPLE_AES", keyRotationIntervalSeconds: rotation!, spekeKeyProvider: liveProvider(args.speke, enc, e.id) } } : {}) };
        } else if (e.type === "DASH") {
          pkg.dashPackage = { segmentDurationSeconds: seg, ...(enc ? { encryption: { keyRotationIntervalSeconds: rotation!, spekeKeyProvider: liveProvider(args.speke, enc, e.id) } } : {}) };
        } else if (e.type === "CMAF") {
          pkg.cmafPackage = { segmentDurationSeconds: seg, hlsManifests: [{ id: `${e.id}-hls` }], ...(enc ? { encryption: { encryptionMethod: (enc.method ?? "SAMPLE_AES") as "SAMPLE_AES" | "AES_CTR", keyRotationIntervalSeconds: rotation!, spekeKeyProvider: liveProvider(args.speke, enc, e.id) } } : {}) };
        } else {
          pkg.mssPackage = { segmentDurationSeconds: seg, ...(enc ? { encryption: { spekeKeyProvider: liveProvider(args.speke, enc, e.id) } } : {}) };
        }
        const ep = new awsNative.mediapackage.OriginEndpoint(`${name}-${e.id}`, {
          awsId: e.id,
          channelId: channel.awsId,
          ...(e.startoverWindowSeconds !== undefined ? { startoverWindowSeconds: e.startoverWindowSeconds } : {}),
          ...pkg,
          tags,
        }, opt);
        playback[e.id] = ep.url;
      }
    }

    let group: awsNative.mediapackage.PackagingGroup | undefined;
    if (args.vod) {
      const groupId = args.vod.packagingGroupId ?? `${name}-vod`;
      if (!ID_RE.test(groupId)) throw new Error(`MediaPackageV1Origin: vod.packagingGroupId must match ${ID_RE}`);
      group = new awsNative.mediapackage.PackagingGroup(`${name}-vod`, { awsId: groupId, tags }, opt);
      for (const c of args.vod.configurations) {
        const enc = c.encryption;
        const provider = enc ? vodProvider(args.speke, enc) : undefined;
        const pkg: Partial<awsNative.mediapackage.PackagingConfigurationArgs> = {};
        if (c.type === "HLS") pkg.hlsPackage = { hlsManifests: [{}], ...(provider ? { encryption: { encryptionMethod: (enc!.method ?? "AES_128") as "AES_128" | "SAMPLE_AES", spekeKeyProvider: provider } } : {}) };
        else if (c.type === "DASH") pkg.dashPackage = { dashManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
        else if (c.type === "CMAF") pkg.cmafPackage = { hlsManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
        else pkg.mssPackage = { mssManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
        new awsNative.mediapackage.PackagingConfiguration(`${name}-vod-${c.id}`, { awsId: c.id, packagingGroupId: group.awsId, ...pkg, tags }, opt);
      }
    }

    this.channelId = channel ? channel.awsId : pulumi.output(undefined);
    this.ingestEndpoints = channel ? pulumi.secret(channel.hlsIngest) : pulumi.output(undefined);
    this.playbackUrls = pulumi.all(playback);
    this.vodDomainName = group ? group.domainName : pulumi.output(undefined);
    this.registerOutputs({ channelId: this.channelId, ingestEndpoints: this.ingestEndpoints, playbackUrls: this.playbackUrls, vodDomainName: this.vodDomainName });
  }
}
