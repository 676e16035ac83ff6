/**
 * MediaPackage v2 origin endpoint options, the public face of the modules behind them: limits and enumerations
 * (mediapackage-v2-limits.ts), manifests per kind (mediapackage-v2-manifests.ts) and their rules
 * (mediapackage-v2-manifest-rules.ts), the SPEKE encryption block (mediapackage-v2-encryption.ts) and the endpoint as a
 * whole (mediapackage-v2-endpoint.ts: `validateMp2Endpoint`, `mp2EndpointInputs`). docs/mediapackage.md lists each
 * option with its range and the page it comes from.
 */
export {
  MP2_MIN_MANIFEST_WINDOW_SECONDS,
  MP2_PDT_SECONDS,
  MP2_SEGMENT_SECONDS,
  MP2_STARTOVER_SECONDS,
  MP2_TIME_DELAY_SECONDS,
  NAME_RE,
  type Mp2Container,
  type Mp2Method,
} from "./mediapackage-v2-limits";
export {
  mp2Manifests,
  type Mp2DashManifestArgs,
  type Mp2FilterArgs,
  type Mp2HlsManifestArgs,
  type Mp2MssManifestArgs,
  type Mp2StartTagArgs,
} from "./mediapackage-v2-manifests";
export {
  MP2_MAX_KEY_ROTATION_SECONDS,
  MP2_MIN_KEY_ROTATION_SECONDS,
  mp2AllowedSystems,
  type Mp2EncryptionOptions,
  type Mp2Speke,
} from "./mediapackage-v2-encryption";
export {
  mp2EndpointInputs,
  validateMp2Endpoint,
  type Mp2EndpointOptions,
  type Mp2ScteArgs,
} from "./mediapackage-v2-endpoint";
