import assert from "node:assert/strict";
import {
  httpsUrls,
  mediaPackageCdnAuth,
  mediaPackageKeyRotation,
  mediaPackagePresets,
  mediaPackageTimeWindow,
} from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

/** MediaPackage v2 origin endpoint inputs (aws-native mediapackagev2 OriginEndpoint schema). */
function v2(
  encryption: Record<string, unknown>,
  presets = { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET_VIDEO_1" },
  stack = "prod",
) {
  return res(
    "aws-native:mediapackagev2:OriginEndpoint",
    {
      channelGroupName: "g",
      channelName: "c",
      containerType: "CMAF",
      segment: {
        encryption: {
          encryptionMethod: { cmafEncryptionMethod: "CBCS" },
          spekeKeyProvider: {
            url: "https://k/speke",
            roleArn: "arn:aws:iam::1:role/r",
            resourceId: "r",
            drmSystems: ["FAIRPLAY", "WIDEVINE"],
            encryptionContractConfiguration: presets,
          },
          ...encryption,
        },
      },
    },
    "ep",
    stack,
  );
}
/** MediaPackage v1 endpoint (aws-native mediapackage OriginEndpoint): presets spelled PRESET-VIDEO-1 (AWS MediaPackage v1 API reference). */
function v1(
  keyRotationIntervalSeconds: number | undefined,
  presets = { presetSpeke20Audio: "PRESET-AUDIO-1", presetSpeke20Video: "PRESET-VIDEO-1" },
) {
  return res("aws-native:mediapackage:OriginEndpoint", {
    channelId: "c",
    hlsPackage: {
      encryption: {
        ...(keyRotationIntervalSeconds === undefined ? {} : { keyRotationIntervalSeconds }),
        spekeKeyProvider: {
          url: "https://k/speke",
          roleArn: "arn:aws:iam::1:role/r",
          resourceId: "r",
          systemIds: ["94ce86fb-07ff-4f43-adb8-93d2fa968ca2"],
          encryptionContractConfiguration: presets,
        },
      },
    },
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
      assertFindings(v, [
        [
          "keyplane-mediapackage-key-rotation",
          "key rotation every 60 s; MediaPackage v2 needs 300..86400 s",
          "segment.encryption.keyRotationIntervalSeconds",
        ],
      ]);
      assertFindings(
        run(mediaPackageKeyRotation, v2({ keyRotationIntervalSeconds: 7200 }), { maxKeyRotationSeconds: 3600 }),
        [
          [
            "keyplane-mediapackage-key-rotation",
            "key rotation every 7200 s; MediaPackage v2 needs 300..3600 s",
            "segment.encryption.keyRotationIntervalSeconds",
          ],
        ],
      );
    });
    it("requires 0 on v1 with an encryption contract (explicitly: the v1 default is 60)", () => {
      assert.deepEqual(run(mediaPackageKeyRotation, v1(0)), []);
      assertFindings(run(mediaPackageKeyRotation, v1(60)), [
        [
          "keyplane-mediapackage-key-rotation",
          "MediaPackage v1 with an encryption contract needs keyRotationIntervalSeconds = 0 (found 60)",
          "hlsPackage.encryption.keyRotationIntervalSeconds",
        ],
      ]);
      assertFindings(run(mediaPackageKeyRotation, v1(undefined)), [
        [
          "keyplane-mediapackage-key-rotation",
          "MediaPackage v1 with an encryption contract needs keyRotationIntervalSeconds = 0 (found unset, default 60)",
          "hlsPackage.encryption.keyRotationIntervalSeconds",
        ],
      ]);
    });
    it("does not ask VOD packaging configurations (no keyRotationIntervalSeconds in the v1 VOD API) for a rotation", () => {
      const vod = res("aws-native:mediapackage:PackagingConfiguration", {
        packagingGroupId: "g",
        dashPackage: {
          dashManifests: [{}],
          encryption: {
            spekeKeyProvider: {
              url: "https://k/speke",
              roleArn: "arn:aws:iam::1:role/r",
              systemIds: ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"],
              encryptionContractConfiguration: {
                presetSpeke20Audio: "PRESET-AUDIO-1",
                presetSpeke20Video: "PRESET-VIDEO-1",
              },
            },
          },
        },
      });
      assert.deepEqual(run(mediaPackageKeyRotation, vod), []);
    });
  });

  describe("keyplane-mediapackage-presets", () => {
    it("passes valid presets for each API version", () => {
      assert.deepEqual(
        run(
          mediaPackagePresets,
          v2({}, { presetSpeke20Audio: "PRESET_AUDIO_3", presetSpeke20Video: "PRESET_VIDEO_8" }),
        ),
        [],
      );
      assert.deepEqual(
        run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "SHARED", presetSpeke20Video: "SHARED" })),
        [],
      );
      assert.deepEqual(run(mediaPackagePresets, v1(0)), []);
    });
    it("fails the v1 spelling on v2 and an out-of-range preset", () => {
      assertFindings(
        run(
          mediaPackagePresets,
          v2({}, { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET-VIDEO-1" }),
        ),
        [
          [
            "keyplane-mediapackage-presets",
            '"PRESET-VIDEO-1" is not a MediaPackage v2 video preset',
            "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Video",
          ],
        ],
      );
      assertFindings(
        run(
          mediaPackagePresets,
          v2({}, { presetSpeke20Audio: "PRESET_AUDIO_4", presetSpeke20Video: "PRESET_VIDEO_1" }),
        ),
        [
          [
            "keyplane-mediapackage-presets",
            '"PRESET_AUDIO_4" is not a MediaPackage v2 audio preset',
            "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Audio",
          ],
        ],
      );
    });
    it("fails SHARED on one side only and UNENCRYPTED combinations (SPEKE v2 encryption contract rules)", () => {
      assertFindings(
        run(mediaPackagePresets, v2({}, { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "SHARED" })),
        [
          [
            "keyplane-mediapackage-presets",
            "SHARED must be used for both audio and video (video SHARED, audio PRESET_AUDIO_1)",
            "segment.encryption.spekeKeyProvider.encryptionContractConfiguration",
          ],
        ],
      );
      const v = run(
        mediaPackagePresets,
        v2({}, { presetSpeke20Audio: "UNENCRYPTED", presetSpeke20Video: "UNENCRYPTED" }),
        { allowUnencryptedAudio: true },
      );
      assertFindings(v, [
        [
          "keyplane-mediapackage-presets",
          "UNENCRYPTED video cannot be combined with UNENCRYPTED audio",
          "segment.encryption.spekeKeyProvider.encryptionContractConfiguration",
        ],
        [
          "keyplane-mediapackage-presets",
          "video is left unencrypted in production",
          "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Video",
        ],
      ]);
    });
    it("refuses unencrypted audio unless allowed", () => {
      const r = v2({}, { presetSpeke20Audio: "UNENCRYPTED", presetSpeke20Video: "PRESET_VIDEO_2" });
      assertFindings(run(mediaPackagePresets, r), [
        [
          "keyplane-mediapackage-presets",
          "audio is left unencrypted (set allowUnencryptedAudio to accept this)",
          "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Audio",
        ],
      ]);
      assert.deepEqual(run(mediaPackagePresets, r, { allowUnencryptedAudio: true }), []);
    });
  });
});

describe("policy-pack/rules/mediapackage time window and CDN authorization", () => {
  /** v2 endpoint inputs as the component writes them (aws-native mediapackagev2 OriginEndpoint schema). */
  const v2ep = (props: Record<string, unknown>, stack = "prod") =>
    res(
      "aws-native:mediapackagev2:OriginEndpoint",
      { channelGroupName: "g", channelName: "c", containerType: "CMAF", ...props },
      "ep",
      stack,
    );

  describe("keyplane-mediapackage-time-window", () => {
    it("passes a time delay below the startover window, DATERANGE with a PDT interval", () => {
      assert.deepEqual(
        run(
          mediaPackageTimeWindow,
          v2ep({
            startoverWindowSeconds: 3600,
            segment: { segmentDurationSeconds: 6 },
            hlsManifests: [
              {
                manifestName: "i",
                programDateTimeIntervalSeconds: 1,
                scteHls: { adMarkerHls: "DATERANGE" },
                filterConfiguration: { timeDelaySeconds: 60 },
              },
            ],
          }),
        ),
        [],
      );
    });
    it("fails a time delay not below the startover window (FilterConfiguration.TimeDelaySeconds: smaller than the startover window)", () => {
      const v = run(
        mediaPackageTimeWindow,
        v2ep({
          startoverWindowSeconds: 300,
          dashManifests: [{ manifestName: "d", filterConfiguration: { timeDelaySeconds: 300 } }],
        }),
      );
      assertFindings(v, [
        [
          "keyplane-mediapackage-time-window",
          'manifest "d" delays 300 s, not less than the startover window (300 s)',
          "dashManifests[0].filterConfiguration.timeDelaySeconds",
        ],
      ]);
    });
    it("fails a 10 s startover window and 100 s segments (API ranges 60..1,209,600 and 1..30)", () => {
      const v = run(
        mediaPackageTimeWindow,
        v2ep({ startoverWindowSeconds: 10, segment: { segmentDurationSeconds: 100 } }),
      );
      assertFindings(v, [
        [
          "keyplane-mediapackage-time-window",
          "startover window 10 s; MediaPackage v2 takes 60..1209600 s",
          "startoverWindowSeconds",
        ],
        [
          "keyplane-mediapackage-time-window",
          "segment duration 100 s; MediaPackage v2 takes 1..30 s",
          "segment.segmentDurationSeconds",
        ],
      ]);
    });
    it("fails DATERANGE without a program date time interval", () => {
      assertFindings(
        run(
          mediaPackageTimeWindow,
          v2ep({ lowLatencyHlsManifests: [{ manifestName: "l", scteHls: { adMarkerHls: "DATERANGE" } }] }),
        ),
        [
          [
            "keyplane-mediapackage-time-window",
            'manifest "l" uses DATERANGE ad markers without a program date time interval (1..1209600 s)',
            "lowLatencyHlsManifests[0].programDateTimeIntervalSeconds",
          ],
        ],
      );
    });
    it("v1: time delay below the startover window, at most 86,400 s without one (MediaPackage v1 user guide, Time delay)", () => {
      const v1ep = (p: Record<string, unknown>) =>
        res("aws-native:mediapackage:OriginEndpoint", { channelId: "c", ...p });
      assert.deepEqual(run(mediaPackageTimeWindow, v1ep({ startoverWindowSeconds: 600, timeDelaySeconds: 599 })), []);
      assertFindings(run(mediaPackageTimeWindow, v1ep({ startoverWindowSeconds: 600, timeDelaySeconds: 600 })), [
        [
          "keyplane-mediapackage-time-window",
          "time delay 600 s must be less than the startover window (600 s)",
          "timeDelaySeconds",
        ],
      ]);
      assertFindings(run(mediaPackageTimeWindow, v1ep({ timeDelaySeconds: 86_401 })), [
        [
          "keyplane-mediapackage-time-window",
          "time delay 86401 s; MediaPackage v1 takes 0..86400 s without a startover window",
          "timeDelaySeconds",
        ],
      ]);
    });
  });

  describe("keyplane-mediapackage-cdn-auth (advisory)", () => {
    const policy = (statement: Record<string, unknown>, extra: Record<string, unknown> = {}, stack = "prod") =>
      res(
        "aws-native:mediapackagev2:OriginEndpointPolicy",
        {
          channelGroupName: "g",
          channelName: "c",
          originEndpointName: "ep",
          policy: { Version: "2012-10-17", Statement: [statement] },
          ...extra,
        },
        "pol",
        stack,
      );
    const cdnStatement = {
      Effect: "Allow",
      Principal: "*",
      Action: "mediapackagev2:GetObject",
      Resource: "arn",
      Condition: { Bool: { "mediapackagev2:RequestHasMatchingCdnAuthHeader": "true" } },
    };
    const cdnAuthConfiguration = {
      cdnIdentifierSecretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"],
      secretsRoleArn: "arn:aws:iam::123456789012:role/r",
    };

    it("is advisory", () => assert.equal(mediaPackageCdnAuth.enforcementLevel, "advisory"));
    it("passes a header-gated policy with its cdnAuthConfiguration, and CloudFront with a named distribution", () => {
      assert.deepEqual(run(mediaPackageCdnAuth, policy(cdnStatement, { cdnAuthConfiguration })), []);
      assert.deepEqual(
        run(
          mediaPackageCdnAuth,
          policy({
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "mediapackagev2:GetObject",
            Resource: "arn",
            Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
          }),
        ),
        [],
      );
    });
    it("flags anyone without the header condition, header gating without a secret, CloudFront without a distribution", () => {
      assertFindings(run(mediaPackageCdnAuth, policy({ ...cdnStatement, Condition: undefined })), [
        [
          "keyplane-mediapackage-cdn-auth",
          "origin endpoint policy admits anyone without the CDN authorization header condition",
          "policy.Statement[0]",
        ],
      ]);
      assertFindings(run(mediaPackageCdnAuth, policy(cdnStatement)), [
        [
          "keyplane-mediapackage-cdn-auth",
          "policy relies on the CDN authorization header but the endpoint has no cdnAuthConfiguration (secret + role)",
          "cdnAuthConfiguration",
        ],
      ]);
      assertFindings(
        run(
          mediaPackageCdnAuth,
          policy({
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "mediapackagev2:GetObject",
            Resource: "arn",
          }),
        ),
        [
          [
            "keyplane-mediapackage-cdn-auth",
            "policy admits CloudFront without naming the distribution (aws:SourceArn): any distribution could read the origin",
            "policy.Statement[0]",
          ],
        ],
      );
    });
    it("flags a production v1 endpoint without authorization; not outside production", () => {
      const v1ep = (stack: string, p: Record<string, unknown> = {}) =>
        res("aws-native:mediapackage:OriginEndpoint", { channelId: "c", ...p }, "ep", stack);
      assertFindings(run(mediaPackageCdnAuth, v1ep("prod")), [
        [
          "keyplane-mediapackage-cdn-auth",
          "MediaPackage v1 origin endpoint without CDN authorization in production: anyone with the URL can read it",
          "authorization",
        ],
      ]);
      assert.deepEqual(run(mediaPackageCdnAuth, v1ep("dev")), []);
      assert.deepEqual(
        run(
          mediaPackageCdnAuth,
          v1ep("prod", { authorization: { cdnIdentifierSecret: "arn:s", secretsRoleArn: "arn:r" } }),
        ),
        [],
      );
    });
  });

  describe("keyplane-https-urls still refuses an http SPEKE URL on a MediaPackage v2 endpoint (mandatory)", () => {
    it("flags it", () => {
      const r = v2ep({
        segment: {
          encryption: {
            encryptionMethod: { cmafEncryptionMethod: "CENC" },
            spekeKeyProvider: {
              url: "http://keys.example/speke",
              roleArn: "arn:aws:iam::1:role/r",
              resourceId: "r",
              drmSystems: ["WIDEVINE"],
              encryptionContractConfiguration: {
                presetSpeke20Audio: "PRESET_AUDIO_1",
                presetSpeke20Video: "PRESET_VIDEO_1",
              },
            },
          },
        },
      });
      assert.equal(httpsUrls.enforcementLevel, "mandatory");
      assertFindings(run(httpsUrls, r), [
        [
          "keyplane-https-urls",
          "segment.encryption.spekeKeyProvider.url is not HTTPS (http://keys.example/speke)",
          "segment.encryption.spekeKeyProvider.url",
        ],
      ]);
    });
  });
});
