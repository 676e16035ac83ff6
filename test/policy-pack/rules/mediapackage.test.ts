import assert from "node:assert/strict";
import { httpsUrls, mediaPackageCdnAuth, mediaPackageKeyRotation, mediaPackagePresets, mediaPackageTimeWindow } from "../../../policy-pack/rules";
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

describe("policy-pack/rules/mediapackage time window and CDN authorization", () => {
  /** v2 endpoint inputs as the component writes them (aws-native mediapackagev2 OriginEndpoint schema). */
  const v2ep = (props: Record<string, unknown>, stack = "prod") => res("aws-native:mediapackagev2:OriginEndpoint", { channelGroupName: "g", channelName: "c", containerType: "CMAF", ...props }, "ep", stack);

  describe("keyplane-mediapackage-time-window", () => {
    it("passes a time delay below the startover window, DATERANGE with a PDT interval", () => {
      assert.deepEqual(run(mediaPackageTimeWindow, v2ep({ startoverWindowSeconds: 3600, segment: { segmentDurationSeconds: 6 }, hlsManifests: [{ manifestName: "i", programDateTimeIntervalSeconds: 1, scteHls: { adMarkerHls: "DATERANGE" }, filterConfiguration: { timeDelaySeconds: 60 } }] })), []);
    });
    it("fails a time delay not below the startover window (FilterConfiguration.TimeDelaySeconds: smaller than the startover window)", () => {
      const v = run(mediaPackageTimeWindow, v2ep({ startoverWindowSeconds: 300, dashManifests: [{ manifestName: "d", filterConfiguration: { timeDelaySeconds: 300 } }] }));
      assert.deepEqual(v.map((x) => x.path), ["dashManifests[0].filterConfiguration.timeDelaySeconds"]);
    });
    it("fails a 10 s startover window and 100 s segments (API ranges 60..1,209,600 and 1..30)", () => {
      const v = run(mediaPackageTimeWindow, v2ep({ startoverWindowSeconds: 10, segment: { segmentDurationSeconds: 100 } }));
      assert.deepEqual(v.map((x) => x.path), ["startoverWindowSeconds", "segment.segmentDurationSeconds"]);
    });
    it("fails DATERANGE without a program date time interval", () => {
      assert.equal(run(mediaPackageTimeWindow, v2ep({ lowLatencyHlsManifests: [{ manifestName: "l", scteHls: { adMarkerHls: "DATERANGE" } }] }))[0]?.path, "lowLatencyHlsManifests[0].programDateTimeIntervalSeconds");
    });
    it("v1: time delay below the startover window, at most 86,400 s without one (MediaPackage v1 user guide, Time delay)", () => {
      const v1ep = (p: Record<string, unknown>) => res("aws-native:mediapackage:OriginEndpoint", { channelId: "c", ...p });
      assert.deepEqual(run(mediaPackageTimeWindow, v1ep({ startoverWindowSeconds: 600, timeDelaySeconds: 599 })), []);
      assert.equal(run(mediaPackageTimeWindow, v1ep({ startoverWindowSeconds: 600, timeDelaySeconds: 600 })).length, 1);
      assert.equal(run(mediaPackageTimeWindow, v1ep({ timeDelaySeconds: 86_401 })).length, 1);
    });
  });

  describe("keyplane-mediapackage-cdn-auth (advisory)", () => {
    const policy = (statement: Record<string, unknown>, extra: Record<string, unknown> = {}, stack = "prod") =>
      res("aws-native:mediapackagev2:OriginEndpointPolicy", { channelGroupName: "g", channelName: "c", originEndpointName: "ep", policy: { Version: "2012-10-17", Statement: [statement] }, ...extra }, "pol", stack);
    const cdnStatement = { Effect: "Allow", Principal: "*", Action: "mediapackagev2:GetObject", Resource: "arn", Condition: { Bool: { "mediapackagev2:RequestHasMatchingCdnAuthHeader": "true" } } };
    const cdnAuthConfiguration = { cdnIdentifierSecretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"], secretsRoleArn: "arn:aws:iam::123456789012:role/r" };

    it("is advisory", () => assert.equal(mediaPackageCdnAuth.enforcementLevel, "advisory"));
    it("passes a header-gated policy with its cdnAuthConfiguration, and CloudFront with a named distribution", () => {
      assert.deepEqual(run(mediaPackageCdnAuth, policy(cdnStatement, { cdnAuthConfiguration })), []);
      assert.deepEqual(run(mediaPackageCdnAuth, policy({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "mediapackagev2:GetObject", Resource: "arn", Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } } })), []);
    });
    it("flags anyone without the header condition, header gating without a secret, CloudFront without a distribution", () => {
      assert.equal(run(mediaPackageCdnAuth, policy({ ...cdnStatement, Condition: undefined }))[0]?.message, "origin endpoint policy admits anyone without the CDN authorization header condition");
      assert.equal(run(mediaPackageCdnAuth, policy(cdnStatement))[0]?.path, "cdnAuthConfiguration");
      assert.match(run(mediaPackageCdnAuth, policy({ Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "mediapackagev2:GetObject", Resource: "arn" }))[0]?.message ?? "", /without naming the distribution/);
    });
    it("flags a production v1 endpoint without authorization; not outside production", () => {
      const v1ep = (stack: string, p: Record<string, unknown> = {}) => res("aws-native:mediapackage:OriginEndpoint", { channelId: "c", ...p }, "ep", stack);
      assert.equal(run(mediaPackageCdnAuth, v1ep("prod"))[0]?.path, "authorization");
      assert.deepEqual(run(mediaPackageCdnAuth, v1ep("dev")), []);
      assert.deepEqual(run(mediaPackageCdnAuth, v1ep("prod", { authorization: { cdnIdentifierSecret: "arn:s", secretsRoleArn: "arn:r" } })), []);
    });
  });

  describe("keyplane-https-urls still refuses an http SPEKE URL on a MediaPackage v2 endpoint (mandatory)", () => {
    it("flags it", () => {
      const r = v2ep({ segment: { encryption: { encryptionMethod: { cmafEncryptionMethod: "CENC" }, spekeKeyProvider: { url: "http://keys.example/speke", roleArn: "arn:aws:iam::1:role/r", resourceId: "r", drmSystems: ["WIDEVINE"], encryptionContractConfiguration: { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET_VIDEO_1" } } } } });
      assert.equal(httpsUrls.enforcementLevel, "mandatory");
      assert.ok(run(httpsUrls, r).some((v) => v.path?.endsWith("spekeKeyProvider.url")), JSON.stringify(run(httpsUrls, r)));
    });
  });
});
