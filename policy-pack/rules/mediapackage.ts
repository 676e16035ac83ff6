/** MediaPackage encryption settings: key rotation bounds and SPEKE v2 encryption contract presets. */
import { get, isProduction, isRecord } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, Violation } from "./types";

interface EncryptionBlock {
  version: 1 | 2;
  path: string;
  encryption: Record<string, unknown>;
}

function encryptionBlocks(resource: ResourceUnderReview): EncryptionBlock[] {
  const out: EncryptionBlock[] = [];
  if (resource.type === "aws-native:mediapackagev2:OriginEndpoint") {
    const e = get(resource.props, ["segment", "encryption"]);
    if (isRecord(e)) out.push({ version: 2, path: "segment.encryption", encryption: e });
  }
  if (resource.type === "aws-native:mediapackage:OriginEndpoint" || resource.type === "aws-native:mediapackage:PackagingConfiguration") {
    for (const pkg of ["cmafPackage", "dashPackage", "hlsPackage", "mssPackage"]) {
      const e = get(resource.props, [pkg, "encryption"]);
      if (isRecord(e)) out.push({ version: 1, path: `${pkg}.encryption`, encryption: e });
    }
  }
  return out;
}

export const mediaPackageKeyRotation: RuleDefinition = {
  name: "keyplane-mediapackage-key-rotation",
  description: "MediaPackage v2 key rotation (keyRotationIntervalSeconds), when set, lies between minKeyRotationSeconds (AWS minimum 300) and maxKeyRotationSeconds. MediaPackage v1 endpoints with a SPEKE v2 encryption contract must set keyRotationIntervalSeconds to 0 (AWS requirement; the API default is 60).",
  enforcementLevel: "mandatory",
  configKeys: ["minKeyRotationSeconds", "maxKeyRotationSeconds"],
  check(resource, config) {
    const out: Violation[] = [];
    for (const b of encryptionBlocks(resource)) {
      const v = b.encryption.keyRotationIntervalSeconds;
      const path = `${b.path}.keyRotationIntervalSeconds`;
      if (b.version === 2) {
        if (v === undefined) continue;
        const min = Math.max(300, config.minKeyRotationSeconds);
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > config.maxKeyRotationSeconds) {
          out.push({ rule: this.name, path, message: `key rotation every ${String(v)} s; MediaPackage v2 needs ${min}..${config.maxKeyRotationSeconds} s` });
        }
      } else {
        const contract = get(b.encryption, ["spekeKeyProvider", "encryptionContractConfiguration"]);
        // VOD packaging configurations have no key rotation (no keyRotationIntervalSeconds field): nothing to check.
        const vod = resource.type === "aws-native:mediapackage:PackagingConfiguration";
        if (isRecord(contract) && v !== 0 && !vod && !b.path.startsWith("mssPackage")) {
          out.push({ rule: this.name, path, message: `MediaPackage v1 with an encryption contract needs keyRotationIntervalSeconds = 0 (found ${v === undefined ? "unset, default 60" : String(v)})` });
        }
      }
    }
    return out;
  },
};

const V2_VIDEO = /^(PRESET_VIDEO_[1-8]|SHARED|UNENCRYPTED)$/;
const V2_AUDIO = /^(PRESET_AUDIO_[1-3]|SHARED|UNENCRYPTED)$/;
const V1_VIDEO = /^(PRESET-VIDEO-[1-8]|SHARED|UNENCRYPTED)$/;
const V1_AUDIO = /^(PRESET-AUDIO-[1-3]|SHARED|UNENCRYPTED)$/;

export const mediaPackagePresets: RuleDefinition = {
  name: "keyplane-mediapackage-presets",
  description: "SPEKE v2 encryption contract presets are valid for the API version (v2: PRESET_VIDEO_1..8 / PRESET_AUDIO_1..3; v1: PRESET-VIDEO-1 spelling), SHARED is used for both audio and video, UNENCRYPTED is not combined with UNENCRYPTED or SHARED, audio stays encrypted unless allowUnencryptedAudio, and video is never UNENCRYPTED in production.",
  enforcementLevel: "mandatory",
  configKeys: ["allowUnencryptedAudio", "environment", "productionEnvironments"],
  check(resource, config) {
    const out: Violation[] = [];
    for (const b of encryptionBlocks(resource)) {
      const c = get(b.encryption, ["spekeKeyProvider", "encryptionContractConfiguration"]);
      if (!isRecord(c)) continue;
      const path = `${b.path}.spekeKeyProvider.encryptionContractConfiguration`;
      const video = String(c.presetSpeke20Video ?? "");
      const audio = String(c.presetSpeke20Audio ?? "");
      const [vre, are] = b.version === 2 ? [V2_VIDEO, V2_AUDIO] : [V1_VIDEO, V1_AUDIO];
      if (!vre.test(video)) out.push({ rule: this.name, path: `${path}.presetSpeke20Video`, message: `"${video}" is not a MediaPackage v${b.version} video preset` });
      if (!are.test(audio)) out.push({ rule: this.name, path: `${path}.presetSpeke20Audio`, message: `"${audio}" is not a MediaPackage v${b.version} audio preset` });
      if ((video === "SHARED") !== (audio === "SHARED")) out.push({ rule: this.name, path, message: `SHARED must be used for both audio and video (video ${video}, audio ${audio})` });
      if (video === "UNENCRYPTED" && (audio === "UNENCRYPTED" || audio === "SHARED")) out.push({ rule: this.name, path, message: `UNENCRYPTED video cannot be combined with ${audio} audio` });
      if (audio === "UNENCRYPTED" && video === "SHARED") out.push({ rule: this.name, path, message: "UNENCRYPTED audio cannot be combined with SHARED video" });
      if (audio === "UNENCRYPTED" && !config.allowUnencryptedAudio) out.push({ rule: this.name, path: `${path}.presetSpeke20Audio`, message: "audio is left unencrypted (set allowUnencryptedAudio to accept this)" });
      if (video === "UNENCRYPTED" && isProduction(resource, config)) out.push({ rule: this.name, path: `${path}.presetSpeke20Video`, message: "video is left unencrypted in production" });
    }
    return out;
  },
};
