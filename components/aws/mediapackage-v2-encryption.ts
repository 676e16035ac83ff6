/**
 * The SPEKE encryption block of a MediaPackage v2 origin endpoint: DRM systems per container and method, presets
 * (SHARED for ISM), key rotation and constant IV ranges, checked before AWS sees them, and rendered as the
 * `@pulumi/aws-native` `mediapackagev2.OriginEndpoint` segment encryption with its SPEKE key provider.
 */
import type * as awsNative from "@pulumi/aws-native";
import type * as pulumi from "@pulumi/pulumi";
import {
  assertDrmSystems,
  assertPresets,
  v2AudioPreset,
  v2VideoPreset,
  type Mp2DrmSystem,
} from "./mediapackage-encryption";
import { CONSTANT_IV_RE } from "./mediapackage-speke-args";
import type { Mp2EncryptionArgs } from "./mediapackage-v2-args";
import type { Checker, Enum, Mp2Container, Mp2Method } from "./mediapackage-v2-limits";
import { defined } from "./mediapackage-v2-manifests";

export const MP2_MIN_KEY_ROTATION_SECONDS = 300;
export const MP2_MAX_KEY_ROTATION_SECONDS = 31_536_000;

/** One endpoint's encryption once every Input is resolved (`Mp2EncryptionArgs` without the two references). */
export interface Mp2EncryptionOptions extends Omit<pulumi.Unwrap<Mp2EncryptionArgs>, "resourceId" | "certificateArn"> {}

/**
 * Which DRM systems MediaPackage v2 accepts per container and method (MediaPackage v2 user guide, "Container and DRM
 * system support with SPEKE": TS SAMPLE-AES FairPlay, TS AES-128 Clear Key; CMAF cbcs FairPlay/Widevine/PlayReady,
 * cenc Widevine/PlayReady/Irdeto; "MSS encryption and DRM": ISM CENC PlayReady only).
 */
export function mp2AllowedSystems(container: Mp2Container | string, method: Mp2Method | string): Mp2DrmSystem[] {
  if (container === "TS") {
    if (method === "AES_128") return ["CLEAR_KEY_AES_128"];
    if (method === "SAMPLE_AES") return ["FAIRPLAY"];
    return [];
  }
  if (container === "ISM") return method === "CENC" ? ["PLAYREADY"] : [];
  if (method === "CBCS") return ["FAIRPLAY", "PLAYREADY", "WIDEVINE"];
  if (method === "CENC") return ["PLAYREADY", "WIDEVINE", "IRDETO"];
  return [];
}

const METHODS: Record<Mp2Container, Mp2Method[]> = {
  CMAF: ["CENC", "CBCS"],
  TS: ["AES_128", "SAMPLE_AES"],
  ISM: ["CENC"],
};

/** Checks the encryption of an endpoint in `container` (`c` names the endpoint). */
export function checkMp2Encryption(c: Checker, container: Mp2Container, enc: Mp2EncryptionOptions): void {
  const methods = METHODS[container];
  if (!methods.includes(enc.method))
    c.fail("encryption.method", enc.method, `: ${container} encryption method must be ${methods.join(" or ")}`);
  if (enc.drmSystems?.includes("FAIRPLAY") && container === "CMAF" && enc.method === "CENC")
    throw new Error(`${c.where}: FairPlay needs CBCS (got CENC)`);
  assertDrmSystems(
    `${c.where}: encryption.drmSystems (${container} ${enc.method})`,
    enc.drmSystems,
    mp2AllowedSystems(container, enc.method),
  );
  assertPresets(c.where, enc.videoPreset, enc.audioPreset);
  if (container === "ISM") {
    if (enc.videoPreset !== "SHARED")
      c.fail(
        "encryption.videoPreset",
        enc.videoPreset,
        "must be SHARED with the ISM container (MSS uses one key for audio and video)",
      );
    if (enc.keyRotationIntervalSeconds !== undefined)
      c.fail(
        "encryption.keyRotationIntervalSeconds",
        enc.keyRotationIntervalSeconds,
        "is not available with the ISM container (MSS has no key rotation)",
      );
    if (enc.constantInitializationVector !== undefined)
      c.fail(
        "encryption.constantInitializationVector",
        enc.constantInitializationVector,
        "is not available with the ISM container",
      );
  }
  c.int(
    "encryption.keyRotationIntervalSeconds",
    enc.keyRotationIntervalSeconds,
    MP2_MIN_KEY_ROTATION_SECONDS,
    MP2_MAX_KEY_ROTATION_SECONDS,
  );
  if (
    enc.constantInitializationVector !== undefined &&
    (typeof enc.constantInitializationVector !== "string" || !CONSTANT_IV_RE.test(enc.constantInitializationVector))
  ) {
    c.fail(
      "encryption.constantInitializationVector",
      enc.constantInitializationVector,
      "must be 32 hexadecimal characters (16 bytes)",
    );
  }
  if (enc.excludeSegmentDrmMetadata !== undefined && container !== "CMAF")
    c.fail(
      "encryption.excludeSegmentDrmMetadata",
      enc.excludeSegmentDrmMetadata,
      `is a CMAF option (container is ${container})`,
    );
}

export interface Mp2Speke {
  url: string;
  roleArn: string;
  resourceId: string;
  certificateArn?: string | undefined;
}

/** The `segment.encryption` input of an endpoint in `container`: method, rotation, IV, SPEKE key provider. */
export function mp2EncryptionInputs(
  container: Mp2Container,
  enc: Mp2EncryptionOptions,
  speke: Mp2Speke,
): awsNative.types.input.mediapackagev2.OriginEndpointEncryptionArgs {
  return defined({
    encryptionMethod:
      container === "CMAF"
        ? { cmafEncryptionMethod: enc.method as Enum<"OriginEndpointCmafEncryptionMethod"> }
        : container === "TS"
          ? { tsEncryptionMethod: enc.method as Enum<"OriginEndpointTsEncryptionMethod"> }
          : { ismEncryptionMethod: enc.method as Enum<"OriginEndpointIsmEncryptionMethod"> },
    keyRotationIntervalSeconds:
      container === "ISM" ? undefined : (enc.keyRotationIntervalSeconds ?? MP2_MIN_KEY_ROTATION_SECONDS),
    constantInitializationVector: enc.constantInitializationVector,
    cmafExcludeSegmentDrmMetadata: enc.excludeSegmentDrmMetadata,
    spekeKeyProvider: {
      url: speke.url,
      roleArn: speke.roleArn,
      resourceId: speke.resourceId,
      drmSystems: enc.drmSystems as Enum<"OriginEndpointDrmSystem">[],
      encryptionContractConfiguration: {
        presetSpeke20Video: v2VideoPreset(enc.videoPreset) as Enum<"OriginEndpointPresetSpeke20Video">,
        presetSpeke20Audio: v2AudioPreset(enc.audioPreset) as Enum<"OriginEndpointPresetSpeke20Audio">,
      },
      ...(speke.certificateArn ? { certificateArn: speke.certificateArn } : {}),
    },
  });
}
