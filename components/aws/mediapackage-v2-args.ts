/**
 * The arguments of MediaPackageV2Origin (channel group, channel, endpoints and their SPEKE encryption: the fields both
 * MediaPackage versions share are in mediapackage-speke-args.ts) and the shapes of its URL outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Mp2AccessArgs } from "./mediapackage-access";
import type { AudioPreset, Mp2DrmSystem, VideoPreset } from "./mediapackage-encryption";
import type { MediaPackageSpekeEncryptionArgs, MediaPackageSpekeProviderArgs } from "./mediapackage-speke-args";
import type { Mp2EndpointOptions, Mp2ScteArgs } from "./mediapackage-v2-endpoint";
import type { Mp2Container, Mp2Method } from "./mediapackage-v2-limits";
import type { Mp2DashManifestArgs, Mp2HlsManifestArgs, Mp2MssManifestArgs } from "./mediapackage-v2-manifests";

/** One v2 endpoint's SPEKE encryption (fields described on the shared interface); method and presets are required. */
export interface Mp2EncryptionArgs extends MediaPackageSpekeEncryptionArgs<Mp2DrmSystem, Mp2Method> {
  /** CMAF: CENC or CBCS. TS: AES_128 (Clear Key AES-128) or SAMPLE_AES (FairPlay). ISM: CENC (PlayReady). */
  method: pulumi.Input<Mp2Method>;
  /** SPEKE v2 encryption contract, video preset (SHARED with the ISM container). */
  videoPreset: pulumi.Input<VideoPreset>;
  /** SPEKE v2 encryption contract, audio preset. */
  audioPreset: pulumi.Input<AudioPreset>;
  /** CMAF only: leave the SEIG/SGPD DRM boxes out of segments (PSSH and TENC stay). */
  excludeSegmentDrmMetadata?: pulumi.Input<boolean>;
}

export interface Mp2EndpointArgs {
  /**
   * Endpoint name. A plain string (not an Input): it names the child resource, and `endpoints` itself is a plain list
   * because its length decides how many endpoints exist. Every other field accepts an Input.
   */
  name: string;
  /**
   * Container (`ContainerType` of AWS::MediaPackageV2::OriginEndpoint): CMAF, TS or ISM (Microsoft Smooth Streaming).
   * It decides which manifests, encryption methods and TS options the endpoint takes.
   */
  container: pulumi.Input<Mp2Container>;
  /**
   * HLS manifests: names or full settings. Default `["index"]` (CMAF, TS) unless low-latency HLS manifests are given;
   * `[]` for none.
   */
  hlsManifests?: pulumi.Input<pulumi.Input<string | Mp2HlsManifestArgs>[]>;
  /** Low-latency HLS manifests (CMAF, TS); names unique across HLS and LL-HLS. */
  lowLatencyHlsManifests?: pulumi.Input<pulumi.Input<string | Mp2HlsManifestArgs>[]>;
  /** DASH manifests (CMAF only). Default `["index"]` for CMAF unless low-latency HLS manifests are given. */
  dashManifests?: pulumi.Input<pulumi.Input<string | Mp2DashManifestArgs>[]>;
  /** Microsoft Smooth Streaming manifests (ISM only). Default `["index"]` for ISM. */
  mssManifests?: pulumi.Input<pulumi.Input<string | Mp2MssManifestArgs>[]>;
  /** Segment duration, 1..30 s. Default 6. */
  segmentDurationSeconds?: pulumi.Input<number>;
  /**
   * Base name of the segments in every manifest of the endpoint (`Segment.SegmentName`), `[a-zA-Z0-9_-]{1,256}`.
   * Default: unset (MediaPackage's default).
   */
  segmentName?: pulumi.Input<string>;
  /**
   * Add an I-frame-only stream (trick play) built from the first rendition (`Segment.IncludeIframeOnlyStreams`).
   * Default: unset (MediaPackage's default).
   */
  includeIframeOnlyStreams?: pulumi.Input<boolean>;
  /** SCTE-35 handling in segments (`Segment.Scte`); CMAF and TS only. Default: unset (MediaPackage's defaults). */
  scte?: pulumi.Input<Mp2ScteArgs>;
  /** TS only. */
  tsUseAudioRenditionGroup?: pulumi.Input<boolean>;
  /** TS only. */
  tsIncludeDvbSubtitles?: pulumi.Input<boolean>;
  /** Startover window, 60 s to 14 days (1,209,600 s). */
  startoverWindowSeconds?: pulumi.Input<number>;
  /** Conditions under which the endpoint answers with an error so a CDN fails over (STALE_MANIFEST ...). */
  forceEndpointErrorConditions?: pulumi.Input<
    pulumi.Input<NonNullable<Mp2EndpointOptions["forceEndpointErrorConditions"]>[number]>[]
  >;
  /**
   * SPEKE encryption of the endpoint's segments (`Segment.Encryption`): method and DRM systems per container as
   * `mp2AllowedSystems`. Default: unset (unencrypted).
   */
  encryption?: pulumi.Input<Mp2EncryptionArgs>;
}

/** An existing MediaPackage v2 resource adopted by name: nothing is created for it. */
export interface Mp2Existing {
  existing: { name: pulumi.Input<string> };
}

export interface Mp2ChannelOptions {
  /** MQCS-based input switching between the two CMAF ingest endpoints (inputType CMAF only). */
  inputSwitching?: pulumi.Input<{ mqcs?: boolean; preferredInput?: 1 | 2 }>;
  /** Publish the MQCS in CMSD response headers to the CDN (inputType CMAF only). */
  publishMqcs?: pulumi.Input<boolean>;
  /** Roles that may push to the channel (e.g. the MediaLive channel's role): a ChannelPolicy granting mediapackagev2:PutObject. */
  ingestRoleArns?: pulumi.Input<pulumi.Input<string>[]>;
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
  channel?: Partial<Mp2Existing> & Mp2ChannelOptions;
  /** HLS (default) or CMAF ingest. */
  inputType?: pulumi.Input<"HLS" | "CMAF">;
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: MediaPackageSpekeProviderArgs;
  /** Origin endpoints of the channel (AWS::MediaPackageV2::OriginEndpoint): at least one, names unique. */
  endpoints: Mp2EndpointArgs[];
  /** Who may read the endpoints: CDN authorization header secret and/or CloudFront distributions (endpoint policies). */
  access?: Mp2AccessArgs;
  /**
   * Tags on every taggable resource the component creates (channel group, channel, endpoints, CDN authorization secret
   * and role). Default: none.
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface Mp2EndpointOutputs {
  hls: string[];
  lowLatencyHls: string[];
  dash: string[];
  mss: string[];
}
/** Playback URL per manifest name, per manifest kind. */
export interface Mp2ManifestUrls {
  hls: Record<string, string>;
  lowLatencyHls: Record<string, string>;
  dash: Record<string, string>;
  mss: Record<string, string>;
}

/** An endpoint with every Input resolved (what `validateMp2Endpoint` checks). */
export type ResolvedMp2Endpoint = pulumi.Unwrap<Mp2EndpointArgs>;
