/**
 * The SPEKE arguments MediaPackageV1Origin and MediaPackageV2Origin share: the key provider (`speke`) and the encryption
 * block of an endpoint. Each origin narrows the encryption block to its own DRM system names and methods
 * (`Mp1EncryptionArgs`, `Mp2EncryptionArgs`); the rules per version are checked by mediapackage-v1-rules.ts and
 * mediapackage-v2-encryption.ts, the contract (presets, DRM system names) lives in mediapackage-encryption.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AudioPreset, MediaPackageDrmSystem, VideoPreset } from "./mediapackage-encryption";

/** The format of `constantInitializationVector`: 32 hexadecimal characters (16 bytes), in both versions. */
export const CONSTANT_IV_RE = /^[0-9a-fA-F]{32}$/;

/** The SPEKE key provider of an origin: its URL and the IAM role MediaPackage assumes to call it. */
export interface MediaPackageSpekeProviderArgs {
  /** The key provider's https URL (`SpekeKeyServer.url`, `SpekeVendorProxy.url`). */
  url: pulumi.Input<string>;
  /** The role MediaPackage assumes to call it (`SpekeKeyServer.packagerRoleArn`, `SpekeVendorProxy.packagerRoleArn`). */
  roleArn: pulumi.Input<string>;
}

/**
 * One endpoint's SPEKE encryption, as both MediaPackage versions take it. `Drm` is the version's DRM system names,
 * `Method` its encryption methods.
 */
export interface MediaPackageSpekeEncryptionArgs<Drm extends MediaPackageDrmSystem, Method extends string> {
  /**
   * The DRM systems the key provider is asked for, each at most once. Which are allowed depends on the package type
   * (v1) or container (v2) and the method; v1 sends them to SPEKE as system ids.
   */
  drmSystems: pulumi.Input<pulumi.Input<Drm>[]>;
  /**
   * Encryption method. v1: HLS AES_128 (default) or SAMPLE_AES; CMAF SAMPLE_AES (cbcs, default) or AES_CTR (cenc);
   * none for DASH / MSS (always cenc). v2 (required): CMAF CENC or CBCS; TS AES_128 (Clear Key AES-128) or SAMPLE_AES
   * (FairPlay); ISM CENC (PlayReady).
   */
  method?: pulumi.Input<Method>;
  /**
   * SPEKE v2 encryption contract: the video preset. v1: with `audioPreset` or neither (neither = SPEKE v1; not for
   * MSS). v2: required; SHARED with the ISM container.
   */
  videoPreset?: pulumi.Input<VideoPreset>;
  /** SPEKE v2 encryption contract: the audio preset (set together with `videoPreset`). */
  audioPreset?: pulumi.Input<AudioPreset>;
  /**
   * Key rotation interval in seconds. v1: SPEKE v1 only (no presets; default 0); with presets MediaPackage v1 requires
   * 0. v2: 300 s to 1 year, default 300 for CMAF / TS; ISM takes none.
   */
  keyRotationIntervalSeconds?: pulumi.Input<number>;
  /**
   * Constant initialization vector: 32 hexadecimal characters (16 bytes). Default: MediaPackage picks one. v1: HLS
   * (live and VOD) and live CMAF; v2: not with ISM.
   */
  constantInitializationVector?: pulumi.Input<string>;
  /** SPEKE resource id (content id). Default: the endpoint's id (v1) or name (v2). v1: live only. */
  resourceId?: pulumi.Input<string>;
  /** The content key encryption certificate (`SpekeCertificate.certificateArn`). v1: live only. */
  certificateArn?: pulumi.Input<string>;
}
