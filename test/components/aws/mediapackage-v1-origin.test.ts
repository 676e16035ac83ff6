import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { MediaPackageV1Origin } from "../../../components/aws/mediapackage-v1-origin";
import {
  applyErrors,
  installMocks,
  ofType,
  optionRecorder,
  reveal,
  settle,
  unknown,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";

const speke = {
  url: "https://abc.execute-api.eu-west-1.amazonaws.com/v1/speke",
  roleArn: "arn:aws:iam::123456789012:role/ks-packager",
};
// DRM system ids: DASH-IF identifier registry; AWS's HLS AES-128 id from the AWS SPEKE documentation.
const WV = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  PR = "9a04f079-9840-4286-ab92-e65be0885f95",
  FP = "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
  AES = "81376844-f976-481e-a84e-cc25d39b0b33";

describe("components/aws MediaPackageV1Origin", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("live endpoints: system ids, v1 preset spelling, rotation forced to 0 with presets; VOD packaging configurations", async () => {
    const mp = new MediaPackageV1Origin("mp1", {
      speke,
      endpoints: [
        {
          id: "hls-fp",
          type: "HLS",
          encryption: { drmSystems: ["FAIRPLAY"], method: "SAMPLE_AES", videoPreset: 3, audioPreset: 2 },
        },
        {
          id: "dash",
          type: "DASH",
          encryption: { drmSystems: ["WIDEVINE", "PLAYREADY"], videoPreset: "SHARED", audioPreset: "SHARED" },
        },
        {
          id: "cmaf",
          type: "CMAF",
          encryption: {
            drmSystems: ["WIDEVINE", "PLAYREADY", "FAIRPLAY"],
            method: "SAMPLE_AES",
            videoPreset: 1,
            audioPreset: 1,
            keyRotationIntervalSeconds: 0,
          },
        },
        { id: "mss", type: "MSS", encryption: { drmSystems: ["PLAYREADY"] } },
        { id: "hls-aes", type: "HLS", encryption: { drmSystems: ["AES_128"], keyRotationIntervalSeconds: 60 } },
      ],
      vod: {
        configurations: [
          { id: "vod-dash", type: "DASH", encryption: { drmSystems: ["WIDEVINE"], videoPreset: 1, audioPreset: 1 } },
          { id: "vod-hls", type: "HLS" },
        ],
      },
    });
    await settle(mp);
    assert.equal(ofType(rec, "aws-native:mediapackage:Channel").length, 1);
    const eps = ofType(rec, "aws-native:mediapackage:OriginEndpoint");
    assert.equal(eps.length, 5);
    const by = (id: string) => reveal(eps.find((e) => e.inputs.awsId === id)!.inputs) as Record<string, any>;

    const fp = by("hls-fp").hlsPackage.encryption;
    assert.equal(fp.encryptionMethod, "SAMPLE_AES");
    assert.equal(fp.keyRotationIntervalSeconds, 0, "presets force rotation 0");
    assert.deepEqual(fp.spekeKeyProvider, {
      url: speke.url,
      roleArn: speke.roleArn,
      systemIds: [FP],
      resourceId: "hls-fp",
      encryptionContractConfiguration: { presetSpeke20Video: "PRESET-VIDEO-3", presetSpeke20Audio: "PRESET-AUDIO-2" },
    });
    const dash = by("dash").dashPackage.encryption;
    assert.deepEqual(dash.spekeKeyProvider.systemIds, [WV, PR]);
    assert.deepEqual(dash.spekeKeyProvider.encryptionContractConfiguration, {
      presetSpeke20Video: "SHARED",
      presetSpeke20Audio: "SHARED",
    });
    assert.equal(dash.keyRotationIntervalSeconds, 0);
    assert.deepEqual(by("cmaf").cmafPackage.encryption.spekeKeyProvider.systemIds, [WV, PR, FP]);
    assert.deepEqual(by("mss").mssPackage.encryption.spekeKeyProvider.systemIds, [PR]);
    const aes = by("hls-aes").hlsPackage.encryption;
    assert.equal(aes.encryptionMethod, "AES_128");
    assert.equal(aes.keyRotationIntervalSeconds, 60, "SPEKE v1 (no presets) keeps its rotation");
    assert.deepEqual(aes.spekeKeyProvider.systemIds, [AES]);
    assert.equal(aes.spekeKeyProvider.encryptionContractConfiguration, undefined);

    assert.equal(ofType(rec, "aws-native:mediapackage:PackagingGroup").length, 1);
    const cfgs = ofType(rec, "aws-native:mediapackage:PackagingConfiguration");
    assert.equal(cfgs.length, 2);
    const vodDash = reveal(cfgs.find((c) => c.inputs.awsId === "vod-dash")!.inputs) as Record<string, any>;
    assert.deepEqual(vodDash.dashPackage.encryption.spekeKeyProvider, {
      url: speke.url,
      roleArn: speke.roleArn,
      systemIds: [WV],
      encryptionContractConfiguration: { presetSpeke20Video: "PRESET-VIDEO-1", presetSpeke20Audio: "PRESET-AUDIO-1" },
    });

    const urls = await value(mp.playbackUrls);
    assert.deepEqual(Object.keys(urls).sort(), ["cmaf", "dash", "hls-aes", "hls-fp", "mss"]);
    assert.match((await value(mp.vodDomainName)) as string, /^https:\/\//);
    assert.ok(await pulumi.isSecret(mp.ingestEndpoints), "ingest credentials are a secret output");
  });

  it("refuses invalid combinations with clear errors", () => {
    const ep =
      (encryption: Record<string, unknown>, type = "HLS") =>
      () =>
        new MediaPackageV1Origin("bad", {
          speke,
          endpoints: [{ id: "e", type: type as never, encryption: encryption as never }],
        });
    assert.throws(
      ep({
        drmSystems: ["FAIRPLAY"],
        method: "SAMPLE_AES",
        videoPreset: 1,
        audioPreset: 1,
        keyRotationIntervalSeconds: 60,
      }),
      /requires keyRotationIntervalSeconds = 0/,
    );
    assert.throws(ep({ drmSystems: ["FAIRPLAY"] }, "DASH"), /FairPlay needs cbcs/);
    assert.throws(ep({ drmSystems: ["WIDEVINE"], method: "AES_128" }), /WIDEVINE is not allowed for HLS/);
    assert.throws(
      ep({ drmSystems: ["PLAYREADY"], videoPreset: 1, audioPreset: 1 }, "MSS"),
      /MSS endpoints do not take an encryption contract/,
    );
    assert.throws(
      ep({ drmSystems: ["WIDEVINE"], videoPreset: 1 }, "DASH"),
      /both videoPreset and audioPreset, or neither/,
    );
    assert.throws(
      ep({ drmSystems: ["WIDEVINE"], videoPreset: "SHARED", audioPreset: 2 }, "DASH"),
      /SHARED must be used for both/,
    );
    assert.throws(
      ep({ drmSystems: ["WIDEVINE", "PLAYREADY"], method: "AES_CTR" }, "DASH"),
      /DASH has no encryption method choice/,
    );
    assert.throws(ep({ drmSystems: ["FAIRPLAY"], method: "AES_CTR" }, "CMAF"), /FairPlay needs cbcs/);
    assert.throws(() => new MediaPackageV1Origin("bad", { speke }), /live endpoints, vod configurations, or both/);
    assert.throws(
      () =>
        new MediaPackageV1Origin("bad", {
          speke,
          endpoints: [
            { id: "a", type: "HLS" },
            { id: "a", type: "DASH" },
          ],
        }),
      /used twice/,
    );
  });

  it("keeps the ingest password secret in the Channel child's own state (additionalSecretOutputs: hlsIngest)", async () => {
    const rec2 = optionRecorder();
    const mp = new MediaPackageV1Origin(
      "sec",
      { speke, endpoints: [{ id: "hls", type: "HLS" }] },
      { transformations: [rec2.transformation] },
    );
    await settle(mp);
    assert.deepEqual(rec2.opts.get("aws-native:mediapackage:Channel::sec-channel")?.additionalSecretOutputs, [
      "hlsIngest",
    ]);
  });

  it("validates Input arguments when they resolve, naming endpoint, argument and value", async () => {
    const errors = await applyErrors(
      () =>
        new MediaPackageV1Origin("late", {
          speke,
          channelId: pulumi.output("bad id!"),
          endpoints: [
            {
              id: "e",
              type: pulumi.output("DASH" as const),
              encryption: pulumi.output({ drmSystems: ["FAIRPLAY" as const] }),
            },
          ],
        }),
    );
    const roleErrors = await applyErrors(
      () =>
        new MediaPackageV1Origin("late2", {
          speke: { url: speke.url, roleArn: pulumi.output("not-an-arn") },
          endpoints: [{ id: "e", type: "HLS", encryption: { drmSystems: ["AES_128"] } }],
        }),
    );
    assert.ok(
      roleErrors.some((m) => m.includes('MediaPackageV1Origin: speke.roleArn "not-an-arn" must be an IAM role ARN')),
      roleErrors.join("\n"),
    );
    assert.ok(
      errors.some((m) => m.includes('MediaPackageV1Origin: channelId "bad id!" must match')),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((m) => m.includes('MediaPackageV1Origin endpoint "e": FairPlay needs cbcs')),
      errors.join("\n"),
    );
  });
});

describe("components/aws MediaPackageV1Origin under preview (unknown Inputs)", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks({ dryRun: true });
  });

  it("creates every child when each Input argument is unknown", async () => {
    const errors = await applyErrors(
      () =>
        new MediaPackageV1Origin("pv", {
          speke: { url: unknown<string>("u-url"), roleArn: unknown<string>("u-role") },
          channelId: unknown<string>("u-channel"),
          endpoints: [
            {
              id: "a",
              type: unknown<"HLS">("u-type"),
              segmentDurationSeconds: unknown<number>("u-seg"),
              startoverWindowSeconds: unknown<number>("u-so"),
              encryption: {
                drmSystems: unknown<["AES_128"]>("u-drm"),
                method: unknown<"AES_128">("u-m"),
                keyRotationIntervalSeconds: unknown<number>("u-rot"),
                resourceId: unknown<string>("u-rid"),
                certificateArn: unknown<string>("u-cert"),
              },
            },
            { id: "b", type: "DASH", encryption: unknown<{ drmSystems: ["WIDEVINE"] }>("u-enc") },
          ],
          vod: {
            packagingGroupId: unknown<string>("u-group"),
            configurations: [
              {
                id: "v",
                type: unknown<"DASH">("u-vtype"),
                encryption: {
                  drmSystems: ["WIDEVINE"],
                  videoPreset: unknown<1>("u-vp"),
                  audioPreset: unknown<1>("u-ap"),
                },
              },
            ],
          },
          tags: unknown<Record<string, string>>("u-tags"),
        }),
    );
    assert.deepEqual(errors, []);
    assert.equal(ofType(rec, "aws-native:mediapackage:Channel").length, 1);
    assert.equal(ofType(rec, "aws-native:mediapackage:OriginEndpoint").length, 2);
    assert.equal(ofType(rec, "aws-native:mediapackage:PackagingGroup").length, 1);
    assert.equal(ofType(rec, "aws-native:mediapackage:PackagingConfiguration").length, 1);
  });
});
