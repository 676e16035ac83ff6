/**
 * MediaPackageV2Origin: a MediaPackage v2 channel group, channel and origin endpoints (CMAF with HLS and DASH
 * manifests; TS for HLS AES-128 / SAMPLE-AES), encrypted with SPEKE v2 against a key provider (SpekeKeyServer or
 * SpekeVendorProxy). Combinations AWS would reject are refused at construction with a message naming the endpoint.
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, shown } from "../shared/inputs";
import { assertDrmSystems, assertPresets, checkSpekeProvider, v2AudioPreset, v2VideoPreset, type AudioPreset, type DrmSystemName, type VideoPreset } from "./mediapackage-encryption";

export const MP2_MIN_KEY_ROTATION_SECONDS = 300;
export const MP2_MAX_KEY_ROTATION_SECONDS = 31_536_000;
const NAME_RE = /^[a-zA-Z0-9_-]{1,256}$/;
const MANIFEST_RE = /^[a-zA-Z0-9_-]{1,256}$/;

export interface Mp2EncryptionArgs {
  drmSystems: pulumi.Input<pulumi.Input<DrmSystemName>[]>;
  /** CMAF: CENC or CBCS. TS: AES_128 (Clear Key AES-128) or SAMPLE_AES (FairPlay). */
  method: pulumi.Input<"CENC" | "CBCS" | "AES_128" | "SAMPLE_AES">;
  videoPreset: pulumi.Input<VideoPreset>;
  audioPreset: pulumi.Input<AudioPreset>;
  /** Key rotation, at least 300 s (MediaPackage v2). Default 300. */
  keyRotationIntervalSeconds?: pulumi.Input<number>;
  /** SPEKE resource id (content id). Default: the endpoint name. */
  resourceId?: pulumi.Input<string>;
  /** Content key encryption certificate (SpekeCertificate.certificateArn). */
  certificateArn?: pulumi.Input<string>;
}

export interface Mp2EndpointArgs {
  /**
   * Endpoint name. A plain string (not an Input): it names the child resource, and `endpoints` itself is a plain list
   * because its length decides how many endpoints exist. Every other field accepts an Input.
   */
  name: string;
  container: pulumi.Input<"CMAF" | "TS">;
  /** HLS manifest names. Default `["index"]`. */
  hlsManifests?: pulumi.Input<pulumi.Input<string>[]>;
  /** DASH manifest names (CMAF only). Default `["index"]` for CMAF, none for TS. */
  dashManifests?: pulumi.Input<pulumi.Input<string>[]>;
  segmentDurationSeconds?: pulumi.Input<number>;
  startoverWindowSeconds?: pulumi.Input<number>;
  encryption?: pulumi.Input<Mp2EncryptionArgs>;
}

/** An existing MediaPackage v2 resource adopted by name: nothing is created for it. */
export interface Mp2Existing {
  existing: { name: pulumi.Input<string> };
}

export interface MediaPackageV2OriginArgs {
  /** Name of the channel group to create. Default: the component name. Ignored with `channelGroup.existing`. */
  channelGroupName?: pulumi.Input<string>;
  /** Name of the channel to create. Default `<component name>-channel`. Ignored with `channel.existing`. */
  channelName?: pulumi.Input<string>;
  /**
   * Adopt an existing channel group (`{ existing: { name } }`): no ChannelGroup is created, the channel and endpoints
   * reference it. Default: create one.
   */
  channelGroup?: Mp2Existing;
  /**
   * Adopt an existing channel of that group (`{ existing: { name } }`; needs `channelGroup.existing`): no Channel is
   * created, the endpoints reference it and `ingestEndpointUrls` is read from it. Default: create one.
   */
  channel?: Mp2Existing;
  inputType?: pulumi.Input<"HLS" | "CMAF">;
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: { url: pulumi.Input<string>; roleArn: pulumi.Input<string> };
  endpoints: Mp2EndpointArgs[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Mp2EndpointOutputs {
  hls: string[];
  dash: string[];
}

/** An endpoint with every Input resolved (what `validateMp2Endpoint` checks). */
export type ResolvedMp2Endpoint = pulumi.Unwrap<Mp2EndpointArgs>;

/** Which DRM systems MediaPackage v2 accepts for a container and method. */
export function mp2AllowedSystems(container: "CMAF" | "TS", method: Mp2EncryptionArgs["method"] | string): DrmSystemName[] {
  if (container === "TS") {
    if (method === "AES_128") return ["CLEAR_KEY_AES_128"];
    if (method === "SAMPLE_AES") return ["FAIRPLAY"];
    return [];
  }
  if (method === "CBCS") return ["FAIRPLAY", "PLAYREADY", "WIDEVINE", "IRDETO"];
  if (method === "CENC") return ["PLAYREADY", "WIDEVINE", "IRDETO"];
  return [];
}

export function validateMp2Endpoint(e: ResolvedMp2Endpoint): void {
  const where = `MediaPackageV2Origin endpoint "${e?.name}"`;
  if (!e || !NAME_RE.test(e.name)) throw new Error(`${where}: name must match ${NAME_RE}`);
  if (e.container !== "CMAF" && e.container !== "TS") throw new Error(`${where}: container must be CMAF or TS (got ${shown(e.container)})`);
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

function checkName(arg: string) {
  return (v: string): string => {
    if (typeof v !== "string" || !NAME_RE.test(v)) throw new Error(`MediaPackageV2Origin: ${arg} ${shown(v)} must match ${NAME_RE}`);
    return v;
  };
}

/** The encryption fields that are validated, apart from the two references (resourceId, certificateArn) that are not. */
function splitEncryption(enc: pulumi.Input<Mp2EncryptionArgs> | undefined) {
  if (enc === undefined) return { checked: undefined, resourceId: undefined, certificateArn: undefined };
  if (pulumi.Output.isInstance(enc) || !isPlainObject(enc)) {
    const o = pulumi.output(enc as pulumi.Input<Mp2EncryptionArgs>);
    return {
      checked: o.apply(({ resourceId: _r, certificateArn: _c, ...rest }) => rest),
      resourceId: o.apply((x) => x.resourceId) as pulumi.Input<string | undefined>,
      certificateArn: o.apply((x) => x.certificateArn) as pulumi.Input<string | undefined>,
    };
  }
  const { resourceId, certificateArn, ...rest } = enc as Mp2EncryptionArgs;
  return { checked: rest, resourceId, certificateArn };
}
function isPlainObject(v: unknown): boolean {
  return !!v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
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
      if (!e || typeof e.name !== "string" || !NAME_RE.test(e.name)) throw new Error(`MediaPackageV2Origin endpoint ${shown(e?.name)}: name must match ${NAME_RE} (a plain string: it names the child resource)`);
      if (names.has(e.name)) throw new Error(`MediaPackageV2Origin: endpoint name "${e.name}" is used twice`);
      names.add(e.name);
    }
    if (args.channel?.existing && !args.channelGroup?.existing) {
      throw new Error("MediaPackageV2Origin: channel.existing needs channelGroup.existing (an existing channel lives in an existing channel group)");
    }
    const speke = checkSpekeProvider("MediaPackageV2Origin", args.speke);
    const inputType = checkInput(args.inputType ?? "HLS", (t) => {
      if (t !== "HLS" && t !== "CMAF") throw new Error(`MediaPackageV2Origin: inputType must be HLS or CMAF (got ${shown(t)})`);
      return t;
    });
    const opt = { parent: this };
    const tags = pulumi.output(args.tags ?? {}).apply((t) => Object.entries(t).map(([key, value]) => ({ key, value })));

    let groupName: pulumi.Output<string>;
    if (args.channelGroup?.existing) {
      groupName = checkInput(args.channelGroup.existing.name, checkName("channelGroup.existing.name"));
    } else {
      const wanted = checkInput(args.channelGroupName ?? name, checkName("channelGroupName"));
      const group = new awsNative.mediapackagev2.ChannelGroup(`${name}-group`, { channelGroupName: wanted, description: "Keyplane channel group", tags }, opt);
      groupName = group.channelGroupName;
    }
    let channelName: pulumi.Output<string>;
    if (args.channel?.existing) {
      channelName = checkInput(args.channel.existing.name, checkName("channel.existing.name"));
      const region = aws.getRegionOutput({}, opt);
      const identity = aws.getCallerIdentityOutput({}, opt);
      const arn = pulumi.interpolate`arn:${identity.arn.apply((a) => a.split(":")[1] ?? "aws")}:mediapackagev2:${region.region}:${identity.accountId}:channelGroup/${groupName}/channel/${channelName}`;
      this.ingestEndpointUrls = awsNative.mediapackagev2.getChannelOutput({ arn }, opt).apply((c) => c.ingestEndpointUrls ?? []);
    } else {
      const wanted = checkInput(args.channelName ?? `${name}-channel`, checkName("channelName"));
      const channel = new awsNative.mediapackagev2.Channel(`${name}-channel`, {
        channelGroupName: groupName,
        channelName: wanted,
        inputType,
        description: "Keyplane channel",
        tags,
      }, opt);
      channelName = channel.channelName;
      this.ingestEndpointUrls = channel.ingestEndpointUrls;
    }

    const playback: Record<string, pulumi.Output<Mp2EndpointOutputs>> = {};
    for (const e of args.endpoints) {
      const split = splitEncryption(e.encryption);
      const checked = checkInput({
        name: e.name,
        container: e.container,
        hlsManifests: e.hlsManifests,
        dashManifests: e.dashManifests,
        segmentDurationSeconds: e.segmentDurationSeconds,
        startoverWindowSeconds: e.startoverWindowSeconds,
        encryption: split.checked,
      } as pulumi.Input<Mp2EndpointArgs>, (r) => {
        validateMp2Endpoint(r);
        return r;
      });
      const encryption = pulumi.all([checked, speke.url, speke.roleArn, split.resourceId, split.certificateArn]).apply(([r, url, roleArn, resourceId, certificateArn]) => {
        const enc = r.encryption;
        if (!enc) return undefined;
        return {
          encryptionMethod: r.container === "CMAF"
            ? { cmafEncryptionMethod: enc.method as "CENC" | "CBCS" }
            : { tsEncryptionMethod: enc.method as "AES_128" | "SAMPLE_AES" },
          keyRotationIntervalSeconds: enc.keyRotationIntervalSeconds ?? MP2_MIN_KEY_ROTATION_SECONDS,
          spekeKeyProvider: {
            url,
            roleArn,
            resourceId: resourceId ?? e.name,
            drmSystems: enc.drmSystems as awsNative.types.enums.mediapackagev2.OriginEndpointDrmSystem[],
            encryptionContractConfiguration: {
              presetSpeke20Video: v2VideoPreset(enc.videoPreset) as awsNative.types.enums.mediapackagev2.OriginEndpointPresetSpeke20Video,
              presetSpeke20Audio: v2AudioPreset(enc.audioPreset) as awsNative.types.enums.mediapackagev2.OriginEndpointPresetSpeke20Audio,
            },
            ...(certificateArn ? { certificateArn } : {}),
          },
        };
      });
      const hls = checked.apply((r) => (r.hlsManifests ?? ["index"]).map((m) => ({ manifestName: m })));
      const dash = checked.apply((r) => {
        const d = r.container === "CMAF" ? (r.dashManifests ?? ["index"]) : [];
        return d.length ? d.map((m) => ({ manifestName: m })) : undefined;
      });
      const endpoint = new awsNative.mediapackagev2.OriginEndpoint(`${name}-${e.name}`, {
        channelGroupName: groupName,
        channelName,
        originEndpointName: e.name,
        containerType: checked.apply((r) => r.container as awsNative.types.enums.mediapackagev2.OriginEndpointContainerType),
        segment: {
          segmentDurationSeconds: checked.apply((r) => r.segmentDurationSeconds ?? 6),
          encryption: encryption as pulumi.Output<awsNative.types.input.mediapackagev2.OriginEndpointEncryptionArgs>,
        },
        hlsManifests: hls,
        dashManifests: dash as pulumi.Output<awsNative.types.input.mediapackagev2.OriginEndpointDashManifestConfigurationArgs[]>,
        startoverWindowSeconds: checked.apply((r) => r.startoverWindowSeconds) as pulumi.Output<number>,
        tags,
      }, opt);
      playback[e.name] = pulumi.all([endpoint.hlsManifestUrls, endpoint.dashManifestUrls]).apply(([h, d]) => ({ hls: h ?? [], dash: d ?? [] }));
    }

    this.channelGroupName = groupName;
    this.channelName = channelName;
    this.playbackUrls = pulumi.all(playback);
    this.registerOutputs({ channelGroupName: this.channelGroupName, channelName: this.channelName, ingestEndpointUrls: this.ingestEndpointUrls, playbackUrls: this.playbackUrls });
  }
}
