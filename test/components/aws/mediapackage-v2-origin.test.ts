import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { MediaPackageV2Origin, type Mp2EndpointArgs } from "../../../components/aws/mediapackage-v2-origin";
import {
  applyErrors,
  installMocks,
  isKnown,
  ofType,
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
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

describe("components/aws MediaPackageV2Origin", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });

  it("creates channel group, channel and endpoints with SPEKE v2 blocks in the v2 enum spelling", async () => {
    const mp = new MediaPackageV2Origin("live", {
      speke,
      endpoints: [
        {
          name: "cmaf-cbcs",
          container: "CMAF",
          encryption: {
            drmSystems: ["FAIRPLAY", "WIDEVINE", "PLAYREADY"],
            method: "CBCS",
            videoPreset: 2,
            audioPreset: 1,
            keyRotationIntervalSeconds: 600,
            certificateArn: CERT,
          },
        },
        {
          name: "cmaf-cenc",
          container: "CMAF",
          dashManifests: ["dash"],
          hlsManifests: ["hls"],
          encryption: {
            drmSystems: ["WIDEVINE", "PLAYREADY"],
            method: "CENC",
            videoPreset: "SHARED",
            audioPreset: "SHARED",
          },
        },
        {
          name: "ts-aes",
          container: "TS",
          encryption: {
            drmSystems: ["CLEAR_KEY_AES_128"],
            method: "AES_128",
            videoPreset: 1,
            audioPreset: "UNENCRYPTED",
          },
        },
      ],
    });
    await settle(mp);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:ChannelGroup").length, 1);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:Channel").length, 1);
    const eps = ofType(rec, "aws-native:mediapackagev2:OriginEndpoint");
    assert.equal(eps.length, 3);
    const by = (n: string) => reveal(eps.find((e) => e.inputs.originEndpointName === n)!.inputs) as Record<string, any>;

    const cbcs = by("cmaf-cbcs");
    assert.equal(cbcs.containerType, "CMAF");
    const enc = cbcs.segment.encryption;
    assert.deepEqual(enc.encryptionMethod, { cmafEncryptionMethod: "CBCS" });
    assert.equal(enc.keyRotationIntervalSeconds, 600);
    assert.deepEqual(enc.spekeKeyProvider, {
      url: speke.url,
      roleArn: speke.roleArn,
      resourceId: "cmaf-cbcs",
      drmSystems: ["FAIRPLAY", "WIDEVINE", "PLAYREADY"],
      encryptionContractConfiguration: { presetSpeke20Video: "PRESET_VIDEO_2", presetSpeke20Audio: "PRESET_AUDIO_1" },
      certificateArn: CERT,
    });
    assert.deepEqual(cbcs.hlsManifests, [{ manifestName: "index" }]);
    assert.deepEqual(cbcs.dashManifests, [{ manifestName: "index" }]);

    const cenc = by("cmaf-cenc");
    assert.deepEqual(cenc.segment.encryption.spekeKeyProvider.encryptionContractConfiguration, {
      presetSpeke20Video: "SHARED",
      presetSpeke20Audio: "SHARED",
    });
    assert.equal(cenc.segment.encryption.keyRotationIntervalSeconds, 300, "default rotation is the 300 s minimum");

    const ts = by("ts-aes");
    assert.equal(ts.containerType, "TS");
    assert.deepEqual(ts.segment.encryption.encryptionMethod, { tsEncryptionMethod: "AES_128" });
    assert.deepEqual(ts.segment.encryption.spekeKeyProvider.drmSystems, ["CLEAR_KEY_AES_128"]);
    assert.equal(ts.dashManifests, undefined);

    assert.equal((await value(mp.ingestEndpointUrls)).length, 1);
    const urls = await value(mp.playbackUrls);
    assert.deepEqual(Object.keys(urls).sort(), ["cmaf-cbcs", "cmaf-cenc", "ts-aes"]);
    assert.match(urls["cmaf-cenc"]!.dash[0]!, /\/dash\.mpd$/);
    assert.match(urls["cmaf-cenc"]!.hls[0]!, /\/hls\.m3u8$/);
    assert.deepEqual(urls["ts-aes"]!.dash, []);
  });

  it("refuses the combinations AWS rejects, naming the endpoint", () => {
    type Enc = NonNullable<Mp2EndpointArgs["encryption"]>;
    const DEFAULT_ENC: Enc = { drmSystems: ["WIDEVINE"], method: "CENC", videoPreset: 1, audioPreset: 1 };
    const make = (e: { container?: "CMAF" | "TS"; dashManifests?: string[]; encryption?: Partial<Enc> }) => () =>
      new MediaPackageV2Origin("bad", {
        speke,
        endpoints: [
          {
            name: "ep",
            container: e.container ?? "CMAF",
            ...(e.dashManifests ? { dashManifests: e.dashManifests } : {}),
            ...(e.encryption ? { encryption: { ...DEFAULT_ENC, ...e.encryption } } : {}),
          },
        ],
      });
    assert.throws(
      make({ encryption: { drmSystems: ["FAIRPLAY"], method: "CENC" } }),
      /endpoint "ep": FairPlay needs CBCS/,
    );
    assert.throws(make({ encryption: { videoPreset: "SHARED", audioPreset: 1 } }), /SHARED must be used for both/);
    assert.throws(make({ encryption: { videoPreset: 2, audioPreset: "SHARED" } }), /SHARED must be used for both/);
    assert.throws(
      make({ encryption: { videoPreset: "UNENCRYPTED", audioPreset: "UNENCRYPTED" } }),
      /cannot both be UNENCRYPTED/,
    );
    assert.throws(
      make({ encryption: { keyRotationIntervalSeconds: 299 } }),
      /keyRotationIntervalSeconds must be an integer from 300/,
    );
    assert.throws(make({ encryption: { videoPreset: 9 as never } }), /videoPreset must be 1..8/);
    assert.throws(make({ encryption: { audioPreset: 4 as never } }), /audioPreset must be 1..3/);
    assert.throws(make({ encryption: { drmSystems: [] } }), /at least one DRM system/);
    assert.throws(make({ encryption: { drmSystems: ["CLEAR_KEY_AES_128"] } }), /CLEAR_KEY_AES_128 is not allowed here/);
    assert.throws(make({ encryption: { method: "AES_128" } }), /CMAF encryption method must be CENC or CBCS/);
    assert.throws(make({ container: "TS", dashManifests: ["d"] }), /DASH manifests need the CMAF container/);
    assert.throws(
      make({ container: "TS", encryption: { method: "SAMPLE_AES", drmSystems: ["WIDEVINE"] } }),
      /WIDEVINE is not allowed here/,
    );
    assert.throws(() => new MediaPackageV2Origin("bad", { speke, endpoints: [] }), /at least one endpoint/);
    assert.throws(
      () =>
        new MediaPackageV2Origin("bad", {
          speke: { url: "", roleArn: "" },
          endpoints: [{ name: "a", container: "CMAF" }],
        }),
      /speke.url and speke.roleArn/,
    );
    assert.throws(
      () =>
        new MediaPackageV2Origin("bad", {
          speke,
          endpoints: [
            { name: "a", container: "CMAF" },
            { name: "a", container: "TS" },
          ],
        }),
      /used twice/,
    );
    assert.throws(
      () => new MediaPackageV2Origin("bad", { speke, endpoints: [{ name: "a b", container: "CMAF" }] }),
      /name must match/,
    );
  });

  it("adopts an existing channel group and channel by name: none created, endpoints reference them, ingest URLs read", async () => {
    const mp = new MediaPackageV2Origin("adopt", {
      channelGroup: { existing: { name: pulumi.output("shared-group") } },
      channel: { existing: { name: "live-1" } },
      speke,
      endpoints: [{ name: "cmaf", container: "CMAF" }],
    });
    await settle(mp);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:ChannelGroup").length, 0);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:Channel").length, 0);
    const ep = reveal(ofType(rec, "aws-native:mediapackagev2:OriginEndpoint")[0]!.inputs) as Record<string, unknown>;
    assert.equal(ep.channelGroupName, "shared-group");
    assert.equal(ep.channelName, "live-1");
    assert.equal(await value(mp.channelGroupName), "shared-group");
    // The channel ARN follows the MediaPackage v2 ARN format (AWS Service Authorization Reference, "mediapackagev2").
    assert.deepEqual(await value(mp.ingestEndpointUrls), [
      `https://existing.ingest.mediapackagev2.eu-west-1.amazonaws.com/in/v1/shared-group/channel/live-1`,
    ]);
  });

  it("adopts an existing channel group and creates the channel in it", async () => {
    const mp = new MediaPackageV2Origin("adopt2", {
      channelGroup: { existing: { name: "shared-group" } },
      speke,
      endpoints: [{ name: "ts", container: "TS" }],
    });
    await settle(mp);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:ChannelGroup").length, 0);
    const ch = ofType(rec, "aws-native:mediapackagev2:Channel");
    assert.equal(ch.length, 1);
    assert.equal(ch[0]!.inputs.channelGroupName, "shared-group");
    assert.throws(
      () =>
        new MediaPackageV2Origin("bad", {
          channel: { existing: { name: "c" } },
          speke,
          endpoints: [{ name: "a", container: "CMAF" }],
        }),
      /channel.existing needs channelGroup.existing/,
    );
  });

  it("takes every Input argument as another resource's output: validated when it resolves, naming argument and value", async () => {
    const errors = await applyErrors(
      () =>
        new MediaPackageV2Origin("late", {
          channelGroupName: pulumi.output("bad group"),
          speke: { url: pulumi.output("http://insecure.example/speke"), roleArn: Promise.resolve(speke.roleArn) },
          endpoints: [{ name: "ep", container: pulumi.output("MP4" as "CMAF") }],
        }),
    );
    assert.ok(
      errors.some((m) => m.includes('MediaPackageV2Origin: channelGroupName "bad group" must match')),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((m) =>
        m.includes('MediaPackageV2Origin: speke.url "http://insecure.example/speke" must be an https URL'),
      ),
      errors.join("\n"),
    );
    assert.ok(
      errors.some((m) =>
        m.includes('MediaPackageV2Origin endpoint "ep": container must be CMAF, TS or ISM (got "MP4")'),
      ),
      errors.join("\n"),
    );
    assert.ok(!errors.some((m) => /toString|Output<T>/.test(m)), "no Output toString in messages");
  });
});

describe("components/aws MediaPackageV2Origin under preview (unknown Inputs)", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks({ dryRun: true });
  });

  it("creates every child when each Input argument is unknown", async () => {
    const enc = {
      drmSystems: unknown<["WIDEVINE"]>("u-drm"),
      method: unknown<"CENC">("u-method"),
      videoPreset: unknown<1>("u-v"),
      audioPreset: unknown<1>("u-a"),
      keyRotationIntervalSeconds: unknown<number>("u-rot"),
      resourceId: unknown<string>("u-rid"),
      certificateArn: unknown<string>("u-cert"),
    };
    let mp!: MediaPackageV2Origin;
    const errors = await applyErrors(
      () =>
        (mp = new MediaPackageV2Origin("pv", {
          channelGroupName: unknown<string>("u-group"),
          channelName: unknown<string>("u-channel"),
          inputType: unknown<"HLS">("u-input"),
          speke: { url: unknown<string>("u-url"), roleArn: unknown<string>("u-role") },
          endpoints: [
            {
              name: "a",
              container: unknown<"CMAF">("u-container"),
              hlsManifests: unknown<string[]>("u-hls"),
              dashManifests: [unknown<string>("u-dash")],
              segmentDurationSeconds: unknown<number>("u-seg"),
              startoverWindowSeconds: unknown<number>("u-so"),
              encryption: enc,
            },
            {
              name: "b",
              container: "CMAF",
              encryption: unknown<{ drmSystems: ["WIDEVINE"]; method: "CENC"; videoPreset: 1; audioPreset: 1 }>(
                "u-enc",
              ),
            },
          ],
          tags: unknown<Record<string, string>>("u-tags"),
        })),
    );
    assert.deepEqual(errors, []);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:ChannelGroup").length, 1);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:Channel").length, 1);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:OriginEndpoint").length, 2);
    assert.equal(await isKnown(mp.channelGroupName), false, "an unknown group name stays unknown (never a toString)");
  });
});
