import assert from "node:assert/strict";
import { mediaPackageKeyRotation, mediaPackagePresets } from "../../../policy-pack/rules";
import { res } from "./fixtures";
import { run } from "./helpers";

/** MediaPackage v2 origin endpoint inputs (aws-native mediapackagev2 OriginEndpoint schema). */
function v2(encryption: Record<string, unknown>, presets = { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET_VIDEO_1" }, stack = "prod") {
  return res("aws-native:mediapackagev2:OriginEndpoint", {
    channelGroupName: "g",
    channelName: "c",
    containerType: "CMAF",
    segment: { encryption: { encryptionMethod: { cmafEncryptionMethod: "CBCS" }, spekeKeyProvider: { url: "https://k/speke", roleArn: "arn:aws:iam::1:role/r", resourceId: "r", drmSystems: ["FAIRPLAY", "WIDEVINE"], encryptionContractConfiguration: presets }, ...encryption } },
  }, "ep", stack);
}
/** MediaPackage v1 endpoint (aws-native mediapackage OriginEndpoint): presets spelled PRESET-VIDEO-1 (AWS MediaPackage v1 API reference). */
function v1(keyRotationIntervalSeconds: number | undefined, presets = { presetSpeke20Audio: "PRESET-AUDIO-1", presetSpeke20Video: "PRESET-VIDEO-1" }) {
  return res("aws-native:mediapackage:OriginEndpoint", {
    channelId: "c",
    hlsPackage: { encryption: { ...(keyRotationIntervalSeconds === undefined ? {} : { keyRotationIntervalSeconds }), spekeKeyProvider: { url: "https://k/speke", roleArn: "arn:aws:iam::1:role/r", resourceId: "r", systemIds: ["94ce86fb-07ff-4f43-adb8-93d2fa968ca2"], encryptionContractConfiguration: presets } } },
  });
}

describe("policy-pack/rules/mediapackage", () => {
  describe("keyplane-mediapackage-key-rotation", () => {
    it("passes 300 s (the MediaPackage v2 minimum) and no rotation", () => {
      assert.deepEqual(run(mediaPackageKeyRotation, v2({ keyRotationIntervalSeconds: 300 })), []);
      assert.deepEqual(run(mediaPackageKeyRotation, v2({})), []);
    });
    it("fails 60 s on v2 and more than the configured maximum", () => {
      const v = run(mediaPackageKeyRotation, v2({ keyRotationIntervalSeconds: 60 }));
      assert.equal(v.length, 1);
      assert.equal(v[0]?.path, "segment.encryption.keyRotationIntervalSeconds");
      assert.equal(run(mediaPackageKeyRotation, v2({ keyRotationIntervalSeconds: 7200 }), { maxKeyRotationSeconds: 3600 }).length, 1);
    });
    it("requires 0 on v1 with an encryption contract (explicitly: the v1 default is 60)", () => {
      assert.deepEqual(run(mediaPackageKeyRotation, v1(0)), []);
      assert.equal(run(mediaPackageKeyRotation, v1(60)).length, 1);
      assert.match(run(mediaPackageKeyRotation, v1(undefined))[0]?.message ?? "", /unset, default 60/);
    });
    it("does not ask VOD packaging configurations (no keyRotationIntervalSeconds in the v1 VOD API) for a rotation", () => {
      const vod = res("aws-native:mediapackage:PackagingConfiguration", {
        packagingGroupId: "g",
        dashPackage: { dashManifests: [{}], encryption: { spekeKeyProvider: { url: "https://k/speke", roleArn: "arn:aws:iam::1:role/r", systemIds: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"], encryptionContractConfiguration: { presetSpeke20Audio: "PRESET-AUDIO-1", presetSpeke20Video: "PRESET-VIDEO-1" } } } },
      });
      assert.deepEqual(run(mediaPackageKeyRotation, vod), []);
    });
  });

  describe("keyplane-mediapackage-presets", () => {
    it("passes valid presets for each API version", () => {
      assert.deepEqual(run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "PRESET_AUDIO_3", presetSpeke20Video: "PRESET_VIDEO_8" })), []);
      assert.deepEqual(run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "SHARED", presetSpeke20Video: "SHARED" })), []);
      assert.deepEqual(run(mediaPackagePresets, v1(0)), []);
    });
    it("fails the v1 spelling on v2 and an out-of-range preset", () => {
      assert.equal(run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET-VIDEO-1" })).length, 1);
      assert.equal(run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "PRESET_AUDIO_4", presetSpeke20Video: "PRESET_VIDEO_1" })).length, 1);
    });
    it("fails SHARED on one side only and UNENCRYPTED combinations (SPEKE v2 encryption contract rules)", () => {
      assert.match(run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "SHARED" }))[0]?.message ?? "", /SHARED must be used for both/);
      const v = run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "UNENCRYPTED", presetSpeke20Video: "UNENCRYPTED" }), { allowUnencryptedAudio: true });
      assert.ok(v.some((x) => /cannot be combined/.test(x.message)));
    });
    it("refuses unencrypted audio unless allowed", () => {
      const r = v2({}, { presetSpeke20Audio: "UNENCRYPTED", presetSpeke20Video: "PRESET_VIDEO_2" });
      assert.equal(run(mediaPackagePresets, r).length, 1);
      assert.deepEqual(run(mediaPackagePresets, r, { allowUnencryptedAudio: true }), []);
    });
  });
});
