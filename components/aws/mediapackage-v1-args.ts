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
  type: pulumi.Input<Mp1PackageType>;
  segmentDurationSeconds?: pulumi.Input<number>;
  startoverWindowSeconds?: pulumi.Input<number>;
  /** Delay before content is served, in seconds: less than the startover window, at most 86,400 without one. */
  timeDelaySeconds?: pulumi.Input<number>;
  /** Package settings for HLS endpoints and the CMAF endpoint's HLS manifest. */
  hls?: pulumi.Input<Mp1HlsOptions>;
  dash?: pulumi.Input<Mp1DashOptions>;
  mss?: pulumi.Input<Mp1MssOptions>;
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
  speke: MediaPackageSpekeProviderArgs;
  /** Live channel id; default the component name. Omit `endpoints` for a VOD-only origin. */
  channelId?: pulumi.Input<string>;
  endpoints?: Mp1EndpointArgs[];
  vod?: { packagingGroupId?: pulumi.Input<string>; configurations: Mp1VodConfigurationArgs[] };
  /**
   * CDN authorization on every live endpoint (v1: one secret `{"MediaPackageCDNIdentifier": "<value>"}` and a role
   * assumed by mediapackage.amazonaws.com). Created or adopted as for MediaPackageV2Origin (`existingSecretArns`: one ARN).
   */
  cdnAuth?: Mp2CdnAuthArgs;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
