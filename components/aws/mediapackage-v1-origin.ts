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
import { checkInput, shown } from "../shared/inputs";
import { assertPresets, checkSpekeProvider, SYSTEM_IDS, v1AudioPreset, v1VideoPreset, type AudioPreset, type VideoPreset } from "./mediapackage-encryption";

export type Mp1Drm = "WIDEVINE" | "PLAYREADY" | "FAIRPLAY" | "AES_128";
export type Mp1PackageType = "HLS" | "DASH" | "CMAF" | "MSS";
const ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

export interface Mp1EncryptionArgs {
  drmSystems: pulumi.Input<pulumi.Input<Mp1Drm>[]>;
  /** HLS: AES_128 or SAMPLE_AES. CMAF: SAMPLE_AES (cbcs) or AES_CTR (cenc). Ignored for DASH/MSS (always cenc). */
  method?: pulumi.Input<"AES_128" | "SAMPLE_AES" | "AES_CTR">;
  /** SPEKE v2 encryption contract (DASH, HLS, CMAF). Both or neither. */
  videoPreset?: pulumi.Input<VideoPreset>;
  audioPreset?: pulumi.Input<AudioPreset>;
  /** SPEKE v1 only (no presets); must be 0 with presets. */
  keyRotationIntervalSeconds?: pulumi.Input<number>;
  /** Live only. Default: the endpoint id. */
  resourceId?: pulumi.Input<string>;
  /** Live only: the content key encryption certificate. */
  certificateArn?: pulumi.Input<string>;
}

export interface Mp1EndpointArgs {
  /**
   * Endpoint id. A plain string (not an Input): it names the child resource, and `endpoints` is a plain list because
   * its length decides how many endpoints exist. Every other field accepts an Input.
   */
  id: string;
  type: pulumi.Input<Mp1PackageType>;
  segmentDurationSeconds?: pulumi.Input<number>;
  startoverWindowSeconds?: pulumi.Input<number>;
  encryption?: pulumi.Input<Mp1EncryptionArgs>;
}

export interface Mp1VodConfigurationArgs {
  /** Configuration id: a plain string naming the child resource (see `Mp1EndpointArgs.id`). */
  id: string;
  type: pulumi.Input<Mp1PackageType>;
  encryption?: pulumi.Input<Omit<Mp1EncryptionArgs, "keyRotationIntervalSeconds" | "resourceId" | "certificateArn">>;
}

export interface MediaPackageV1OriginArgs {
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  /** Live channel id; default the component name. Omit `endpoints` for a VOD-only origin. */
  channelId?: pulumi.Input<string>;
  endpoints?: Mp1EndpointArgs[];
  vod?: { packagingGroupId?: pulumi.Input<string>; configurations: Mp1VodConfigurationArgs[] };
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

type ResolvedMp1Encryption = pulumi.Unwrap<Mp1EncryptionArgs>;

/** Which DRM systems each v1 package type takes, per method. */
export function mp1AllowedSystems(type: Mp1PackageType, method?: string): Mp1Drm[] {
  switch (type) {
    case "HLS": return method === "SAMPLE_AES" ? ["FAIRPLAY"] : ["AES_128"];
    case "CMAF": return method === "AES_CTR" ? ["WIDEVINE", "PLAYREADY"] : ["FAIRPLAY", "WIDEVINE", "PLAYREADY"];
    case "DASH": return ["WIDEVINE", "PLAYREADY"];
    case "MSS": return ["PLAYREADY"];
  }
}

export function validateMp1Encryption(where: string, type: Mp1PackageType, enc: ResolvedMp1Encryption): void {
  if (!["HLS", "DASH", "CMAF", "MSS"].includes(type)) throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS (got ${shown(type)})`);
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

type Contract = { encryptionContractConfiguration?: { presetSpeke20Video: string; presetSpeke20Audio: string } };
function contract(enc: ResolvedMp1Encryption): Contract {
  return enc.videoPreset !== undefined && enc.audioPreset !== undefined
    ? { encryptionContractConfiguration: { presetSpeke20Video: v1VideoPreset(enc.videoPreset), presetSpeke20Audio: v1AudioPreset(enc.audioPreset) } }
    : {};
}

const ID = (where: string) => (v: string): string => {
  if (typeof v !== "string" || !ID_RE.test(v)) throw new Error(`${where} ${shown(v)} must match ${ID_RE}`);
  return v;
};

interface CheckedEndpoint {
  type: Mp1PackageType;
  seg: number;
  startover?: number;
  enc?: ResolvedMp1Encryption;
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
      if (!e || typeof e.id !== "string" || !ID_RE.test(e.id)) throw new Error(`${where}: id must match ${ID_RE} (a plain string: it names the child resource)`);
      if (ids.has(e.id)) throw new Error(`${where}: id is used twice`);
      ids.add(e.id);
    }
    for (const c of args.vod?.configurations ?? []) {
      if (!c || typeof c.id !== "string" || !ID_RE.test(c.id)) throw new Error(`MediaPackageV1Origin VOD configuration "${c?.id}": id must match ${ID_RE} (a plain string: it names the child resource)`);
    }
    if (args.vod && args.vod.configurations.length === 0) throw new Error("MediaPackageV1Origin: vod.configurations must not be empty");
    const speke = checkSpekeProvider("MediaPackageV1Origin", args.speke);
    const opt = { parent: this };
    const tags = pulumi.output(args.tags ?? {}).apply((t) => Object.entries(t).map(([key, value]) => ({ key, value })));

    // Validated now when plain, else when resolved (the messages name the endpoint and the value).
    const checkedEndpoint = (where: string, e: { type: Mp1EndpointArgs["type"]; segmentDurationSeconds?: Mp1EndpointArgs["segmentDurationSeconds"]; startoverWindowSeconds?: Mp1EndpointArgs["startoverWindowSeconds"]; encryption?: Mp1EndpointArgs["encryption"] }) =>
      checkInput({ type: e.type, seg: e.segmentDurationSeconds ?? 6, startover: e.startoverWindowSeconds, enc: e.encryption } as pulumi.Input<{ type: Mp1PackageType; seg: number; startover?: number; enc?: Mp1EncryptionArgs }>, (r): CheckedEndpoint => {
        if (!["HLS", "DASH", "CMAF", "MSS"].includes(r.type)) throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS (got ${shown(r.type)})`);
        if (r.enc) validateMp1Encryption(where, r.type, r.enc);
        return r as CheckedEndpoint;
      }) as pulumi.Output<CheckedEndpoint>;

    let channel: awsNative.mediapackage.Channel | undefined;
    const playback: Record<string, pulumi.Output<string>> = {};
    if (endpoints.length) {
      const channelId = checkInput(args.channelId ?? name, ID("MediaPackageV1Origin: channelId"));
      // The ingest credentials (hlsIngest: URL, username, password) are secret in this child's state too.
      channel = new awsNative.mediapackage.Channel(`${name}-channel`, { awsId: channelId, description: "Keyplane channel", tags }, { ...opt, additionalSecretOutputs: ["hlsIngest"] });
      for (const e of endpoints) {
        const c = checkedEndpoint(`MediaPackageV1Origin endpoint "${e.id}"`, e);
        const provider = pulumi.all([c, speke.url, speke.roleArn]).apply(([r, url, roleArn]) => r.enc
          ? {
            url,
            roleArn,
            systemIds: r.enc.drmSystems.map((d) => SYSTEM_IDS[d]),
            resourceId: r.enc.resourceId ?? e.id,
            ...(r.enc.certificateArn ? { certificateArn: r.enc.certificateArn } : {}),
            ...contract(r.enc),
          }
          : undefined);
        const block = (type: Mp1PackageType) => pulumi.all([c, provider]).apply(([r, p]) => {
          if (r.type !== type) return undefined;
          const enc = r.enc;
          const rotation = enc ? (enc.videoPreset !== undefined ? 0 : (enc.keyRotationIntervalSeconds ?? 0)) : undefined;
          if (type === "HLS") return { segmentDurationSeconds: r.seg, ...(enc ? { encryption: { encryptionMethod: enc.method ?? "AES_128", keyRotationIntervalSeconds: rotation, spekeKeyProvider: p } } : {}) };
          if (type === "DASH") return { segmentDurationSeconds: r.seg, ...(enc ? { encryption: { keyRotationIntervalSeconds: rotation, spekeKeyProvider: p } } : {}) };
          if (type === "CMAF") return { segmentDurationSeconds: r.seg, hlsManifests: [{ id: `${e.id}-hls` }], ...(enc ? { encryption: { encryptionMethod: enc.method ?? "SAMPLE_AES", keyRotationIntervalSeconds: rotation, spekeKeyProvider: p } } : {}) };
          return { segmentDurationSeconds: r.seg, ...(enc ? { encryption: { spekeKeyProvider: p } } : {}) };
        }) as pulumi.Output<never>;
        const ep = new awsNative.mediapackage.OriginEndpoint(`${name}-${e.id}`, {
          awsId: e.id,
          channelId: channel.awsId,
          startoverWindowSeconds: c.apply((r) => r.startover) as pulumi.Output<number>,
          hlsPackage: block("HLS"),
          dashPackage: block("DASH"),
          cmafPackage: block("CMAF"),
          mssPackage: block("MSS"),
          tags,
        }, opt);
        playback[e.id] = ep.url;
      }
    }

    let group: awsNative.mediapackage.PackagingGroup | undefined;
    if (args.vod) {
      const groupId = checkInput(args.vod.packagingGroupId ?? `${name}-vod`, ID("MediaPackageV1Origin: vod.packagingGroupId"));
      group = new awsNative.mediapackage.PackagingGroup(`${name}-vod`, { awsId: groupId, tags }, opt);
      for (const cfg of args.vod.configurations) {
        const c = checkedEndpoint(`MediaPackageV1Origin VOD configuration "${cfg.id}"`, cfg);
        const block = (type: Mp1PackageType) => pulumi.all([c, speke.url, speke.roleArn]).apply(([r, url, roleArn]) => {
          if (r.type !== type) return undefined;
          const enc = r.enc;
          const provider = enc ? { url, roleArn, systemIds: enc.drmSystems.map((d) => SYSTEM_IDS[d]), ...contract(enc) } : undefined;
          if (type === "HLS") return { hlsManifests: [{}], ...(provider ? { encryption: { encryptionMethod: enc!.method ?? "AES_128", spekeKeyProvider: provider } } : {}) };
          if (type === "DASH") return { dashManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
          if (type === "CMAF") return { hlsManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
          return { mssManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
        }) as pulumi.Output<never>;
        new awsNative.mediapackage.PackagingConfiguration(`${name}-vod-${cfg.id}`, {
          awsId: cfg.id,
          packagingGroupId: group.awsId,
          hlsPackage: block("HLS"),
          dashPackage: block("DASH"),
          cmafPackage: block("CMAF"),
          mssPackage: block("MSS"),
          tags,
        }, opt);
      }
    }

    this.channelId = channel ? channel.awsId : pulumi.output(undefined);
    this.ingestEndpoints = channel ? pulumi.secret(channel.hlsIngest) : pulumi.output(undefined);
    this.playbackUrls = pulumi.all(playback);
    this.vodDomainName = group ? group.domainName : pulumi.output(undefined);
    this.registerOutputs({ channelId: this.channelId, ingestEndpoints: this.ingestEndpoints, playbackUrls: this.playbackUrls, vodDomainName: this.vodDomainName });
  }
}
