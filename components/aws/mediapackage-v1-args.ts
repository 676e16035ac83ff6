/**
 * The arguments of MediaPackageV1Origin: live endpoints (HLS, DASH, CMAF, MSS package settings), VOD packaging
 * configurations and their SPEKE encryption (the fields both MediaPackage versions share: mediapackage-speke-args.ts).
 */
import type * as awsNative from "@pulumi/aws-native";
import type * as pulumi from "@pulumi/pulumi";
import type { Mp2CdnAuthArgs } from "./mediapackage-access";
import type { MediaPackageDrmSystem } from "./mediapackage-encryption";
import type { MediaPackageSpekeEncryptionArgs, MediaPackageSpekeProviderArgs } from "./mediapackage-speke-args";

/** The systems MediaPackage v1 takes (names as in mediapackage-encryption.ts; sent as system ids). */
export const MP1_DRM_SYSTEMS = [
  "WIDEVINE",
  "PLAYREADY",
  "FAIRPLAY",
  "AES_128",
] as const satisfies readonly MediaPackageDrmSystem[];
export type Mp1Drm = (typeof MP1_DRM_SYSTEMS)[number];
export type Mp1PackageType = "HLS" | "DASH" | "CMAF" | "MSS";

/** One v1 endpoint's (or VOD configuration's) SPEKE encryption; every field is described on the shared interface. */
export interface Mp1EncryptionArgs
  extends MediaPackageSpekeEncryptionArgs<Mp1Drm, "AES_128" | "SAMPLE_AES" | "AES_CTR"> {}

type Plain<T> = { [K in keyof T]: pulumi.Unwrap<T[K]> };
/** HLS package / CMAF HLS manifest settings (aws-native mediapackage inputs; DATERANGE needs programDateTimeIntervalSeconds > 0). */
export type Mp1HlsOptions = Plain<
  Pick<
    awsNative.types.input.mediapackage.OriginEndpointHlsPackageArgs &
      awsNative.types.input.mediapackage.OriginEndpointHlsManifestArgs,
    | "adMarkers"
    | "programDateTimeIntervalSeconds"
    | "playlistWindowSeconds"
    | "playlistType"
    | "includeIframeOnlyStream"
  >
> &
  Plain<
    Pick<
      awsNative.types.input.mediapackage.OriginEndpointHlsPackageArgs,
      "useAudioRenditionGroup" | "includeDvbSubtitles"
    >
  >;
/** DASH package settings. */
export type Mp1DashOptions = Plain<
  Pick<
    awsNative.types.input.mediapackage.OriginEndpointDashPackageArgs,
    | "manifestWindowSeconds"
    | "minBufferTimeSeconds"
    | "minUpdatePeriodSeconds"
    | "suggestedPresentationDelaySeconds"
    | "periodTriggers"
    | "segmentTemplateFormat"
    | "utcTiming"
    | "utcTimingUri"
    | "profile"
    | "manifestLayout"
    | "includeIframeOnlyStream"
  >
>;
/** MSS package settings. */
export type Mp1MssOptions = Plain<
  Pick<awsNative.types.input.mediapackage.OriginEndpointMssPackageArgs, "manifestWindowSeconds">
>;

export interface Mp1EndpointArgs {
  /**
   * Endpoint id. A plain string (not an Input): it names the child resource, and `endpoints` is a plain list because
   * its length decides how many endpoints exist. Every other field accepts an Input.
   */
  id: string;
  /**
   * Package type: HLS, DASH, CMAF or MSS. It picks the endpoint's package block (`HlsPackage`, `DashPackage`,
   * `CmafPackage` or `MssPackage` of AWS::MediaPackage::OriginEndpoint) and which `hls` / `dash` / `mss` options apply.
   */
  type: pulumi.Input<Mp1PackageType>;
  /**
   * Segment (MSS: fragment) duration in seconds, the package block's `SegmentDurationSeconds`; MediaPackage rounds it
   * to the nearest multiple of the source segment duration. Default 6.
   */
  segmentDurationSeconds?: pulumi.Input<number>;
  /**
   * How much content, in seconds, MediaPackage keeps for startover playback (`StartoverWindowSeconds`): a non-negative
   * integer. Default: unset (startover disabled).
   */
  startoverWindowSeconds?: pulumi.Input<number>;
  /** Delay before content is served, in seconds: less than the startover window, at most 86,400 without one. */
  timeDelaySeconds?: pulumi.Input<number>;
  /** Package settings for HLS endpoints and the CMAF endpoint's HLS manifest. */
  hls?: pulumi.Input<Mp1HlsOptions>;
  /** Package settings for DASH endpoints only (`DashPackage`: manifest window, MPD timing, period triggers, profile ...). */
  dash?: pulumi.Input<Mp1DashOptions>;
  /** Package settings for MSS endpoints only (`MssPackage.ManifestWindowSeconds`). */
  mss?: pulumi.Input<Mp1MssOptions>;
  /**
   * SPEKE encryption of the endpoint (the package block's `Encryption`); DRM systems per type and method as
   * `mp1AllowedSystems`. Default: unset (unencrypted).
   */
  encryption?: pulumi.Input<Mp1EncryptionArgs>;
}

export interface Mp1VodConfigurationArgs {
  /** Configuration id: a plain string naming the child resource (see `Mp1EndpointArgs.id`). */
  id: string;
  /**
   * Package type: HLS, DASH, CMAF or MSS, the package block of AWS::MediaPackage::PackagingConfiguration (one manifest
   * with MediaPackage's defaults).
   */
  type: pulumi.Input<Mp1PackageType>;
  /**
   * SPEKE encryption of the configuration, as `Mp1EndpointArgs.encryption` without the live-only fields (key rotation,
   * resource id, certificate). Default: unset (unencrypted).
   */
  encryption?: pulumi.Input<Omit<Mp1EncryptionArgs, "keyRotationIntervalSeconds" | "resourceId" | "certificateArn">>;
}

export interface MediaPackageV1OriginArgs {
  /** The SPEKE key provider: URL and the role MediaPackage assumes (SpekeKeyServer / SpekeVendorProxy outputs). */
  speke: MediaPackageSpekeProviderArgs;
  /** Live channel id; default the component name. Omit `endpoints` for a VOD-only origin. */
  channelId?: pulumi.Input<string>;
  /**
   * Live origin endpoints of the channel (AWS::MediaPackage::OriginEndpoint), ids unique. Default: none; give
   * `endpoints`, `vod` or both.
   */
  endpoints?: Mp1EndpointArgs[];
  /** VOD packaging group (AWS::MediaPackage::PackagingGroup) and its packaging configurations. Default: none. */
  vod?: {
    /** Packaging group id, matching `[A-Za-z0-9_-]{1,256}`. Default `<component name>-vod`. */
    packagingGroupId?: pulumi.Input<string>;
    /** Packaging configurations (AWS::MediaPackage::PackagingConfiguration): at least one. */
    configurations: Mp1VodConfigurationArgs[];
  };
  /**
   * CDN authorization on every live endpoint (v1: one secret `{"MediaPackageCDNIdentifier": "<value>"}` and a role
   * assumed by mediapackage.amazonaws.com). Created or adopted as for MediaPackageV2Origin (`existingSecretArns`: one ARN).
   */
  cdnAuth?: Mp2CdnAuthArgs;
  /**
   * Tags on every taggable resource the component creates (channel, endpoints, packaging group and configurations,
   * CDN authorization secret and role). Default: none.
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
