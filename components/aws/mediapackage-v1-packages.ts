/**
 * The package blocks of MediaPackage v1 (aws-native `hlsPackage`, `dashPackage`, `cmafPackage`, `mssPackage`) rendered
 * from a checked endpoint or VOD configuration: settings, encryption method, key rotation (forced to 0 with an
 * encryption contract) and the SPEKE key provider with DRM system ids and the v1 preset spelling.
 */
import { mediaPackageSystemId, v1AudioPreset, v1VideoPreset } from "./mediapackage-encryption";
import type { Mp1PackageType } from "./mediapackage-v1-args";
import type { CheckedEndpoint, ResolvedMp1Encryption } from "./mediapackage-v1-rules";

type Contract = { encryptionContractConfiguration?: { presetSpeke20Video: string; presetSpeke20Audio: string } };
function contract(enc: ResolvedMp1Encryption): Contract {
  return enc.videoPreset !== undefined && enc.audioPreset !== undefined
    ? {
        encryptionContractConfiguration: {
          presetSpeke20Video: v1VideoPreset(enc.videoPreset),
          presetSpeke20Audio: v1AudioPreset(enc.audioPreset),
        },
      }
    : {};
}

/** The `spekeKeyProvider` block: URL, role, system ids, `live` (resource id, certificate) and the encryption contract. */
export function mp1SpekeKeyProvider(
  enc: ResolvedMp1Encryption,
  speke: { url: string; roleArn: string },
  live?: { resourceId: string; certificateArn?: string | undefined },
) {
  return {
    url: speke.url,
    roleArn: speke.roleArn,
    systemIds: enc.drmSystems.map((d) => mediaPackageSystemId(d)),
    ...(live
      ? { resourceId: live.resourceId, ...(live.certificateArn ? { certificateArn: live.certificateArn } : {}) }
      : {}),
    ...contract(enc),
  };
}

/** A live endpoint's package block of kind `type` (undefined for the other kinds); `provider` from mp1SpekeKeyProvider. */
export function mp1LivePackage(type: Mp1PackageType, endpointId: string, r: CheckedEndpoint, provider: unknown) {
  if (r.type !== type) return undefined;
  const enc = r.enc;
  const rotation = enc ? (enc.videoPreset !== undefined ? 0 : (enc.keyRotationIntervalSeconds ?? 0)) : undefined;
  const iv = enc?.constantInitializationVector
    ? { constantInitializationVector: enc.constantInitializationVector }
    : {};
  if (type === "HLS")
    return {
      segmentDurationSeconds: r.seg,
      ...(r.hls ?? {}),
      ...(enc
        ? {
            encryption: {
              encryptionMethod: enc.method ?? "AES_128",
              keyRotationIntervalSeconds: rotation,
              ...iv,
              spekeKeyProvider: provider,
            },
          }
        : {}),
    };
  if (type === "DASH")
    return {
      segmentDurationSeconds: r.seg,
      ...(r.dash ?? {}),
      ...(enc ? { encryption: { keyRotationIntervalSeconds: rotation, spekeKeyProvider: provider } } : {}),
    };
  if (type === "CMAF") {
    const { useAudioRenditionGroup: _u, includeDvbSubtitles: _d, ...manifest } = r.hls ?? {};
    return {
      segmentDurationSeconds: r.seg,
      hlsManifests: [{ id: `${endpointId}-hls`, ...manifest }],
      ...(enc
        ? {
            encryption: {
              encryptionMethod: enc.method ?? "SAMPLE_AES",
              keyRotationIntervalSeconds: rotation,
              ...iv,
              spekeKeyProvider: provider,
            },
          }
        : {}),
    };
  }
  return {
    segmentDurationSeconds: r.seg,
    ...(r.mss ?? {}),
    ...(enc ? { encryption: { spekeKeyProvider: provider } } : {}),
  };
}

/** A VOD packaging configuration's package block of kind `type` (undefined for the other kinds). */
export function mp1VodPackage(type: Mp1PackageType, r: CheckedEndpoint, speke: { url: string; roleArn: string }) {
  if (r.type !== type) return undefined;
  const enc = r.enc;
  const provider = enc ? mp1SpekeKeyProvider(enc, speke) : undefined;
  if (type === "HLS")
    return {
      hlsManifests: [{}],
      ...(provider
        ? {
            encryption: {
              encryptionMethod: enc!.method ?? "AES_128",
              ...(enc!.constantInitializationVector
                ? { constantInitializationVector: enc!.constantInitializationVector }
                : {}),
              spekeKeyProvider: provider,
            },
          }
        : {}),
    };
  if (type === "DASH")
    return { dashManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
  if (type === "CMAF")
    return { hlsManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
  return { mssManifests: [{}], ...(provider ? { encryption: { spekeKeyProvider: provider } } : {}) };
}
