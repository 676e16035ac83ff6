import * as assert from "node:assert/strict";
import { MediaPackageV2Origin, type Mp2EndpointArgs } from "../../../components/aws/mediapackage-v2-origin";
import { installMocks, ofType, reveal, settle, value, type Recorded } from "./mocks";

const speke = { url: "https://abc.execute-api.eu-west-1.amazonaws.com/v1/speke", roleArn: "arn:aws:iam::123456789012:role/ks-packager" };
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

describe("components/aws MediaPackageV2Origin", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => { rec = await installMocks(); });

  it("creates channel group, channel and endpoints with SPEKE v2 blocks in the v2 enum spelling", async () => {
    const mp = new MediaPackageV2Origin("live", {
      speke,
      endpoints: [
        { name: "cmaf-cbcs", container: "CMAF", encryption: { drmSystems: ["FAIRPLAY", "WIDEVINE", "PLAYREADY"], method: "CBCS", videoPreset: 2, audioPreset: 1, keyRotationIntervalSeconds: 600, certificateArn: CERT } },
        { name: "cmaf-cenc", container: "CMAF", dashManifests: ["dash"], hlsManifests: ["hls"], encryption: { drmSystems: ["WIDEVINE", "PLAYREADY"], method: "CENC", videoPreset: "SHARED", audioPreset: "SHARED" } },
        { name: "ts-aes", container: "TS", encryption: { drmSystems: ["CLEAR_KEY_AES_128"], method: "AES_128", videoPreset: 1, audioPreset: "UNENCRYPTED" } },
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
      url: speke.url, roleArn: speke.roleArn, resourceId: "cmaf-cbcs", drmSystems: ["FAIRPLAY", "WIDEVINE", "PLAYREADY"],
      encryptionContractConfiguration: { presetSpeke20Video: "PRESET_VIDEO_2", presetSpeke20Audio: "PRESET_AUDIO_1" },
      certificateArn: CERT,
    });
    assert.deepEqual(cbcs.hlsManifests, [{ manifestName: "index" }]);
    assert.deepEqual(cbcs.dashManifests, [{ manifestName: "index" }]);

    const cenc = by("cmaf-cenc");
    assert.deepEqual(cenc.segment.encryption.spekeKeyProvider.encryptionContractConfiguration, { presetSpeke20Video: "SHARED", presetSpeke20Audio: "SHARED" });
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
        endpoints: [{
          name: "ep",
          container: e.container ?? "CMAF",
          ...(e.dashManifests ? { dashManifests: e.dashManifests } : {}),
          ...(e.encryption ? { encryption: { ...DEFAULT_ENC, ...e.encryption } } : {}),
        }],
      });
    assert.throws(make({ encryption: { drmSystems: ["FAIRPLAY"], method: "CENC" } }), /endpoint "ep": FairPlay needs CBCS/);
    assert.throws(make({ encryption: { videoPreset: "SHARED", audioPreset: 1 } }), /SHARED must be used for both/);
    assert.throws(make({ encryption: { videoPreset: 2, audioPreset: "SHARED" } }), /SHARED must be used for both/);
    assert.throws(make({ encryption: { videoPreset: "UNENCRYPTED", audioPreset: "UNENCRYPTED" } }), /cannot both be UNENCRYPTED/);
    assert.throws(make({ encryption: { keyRotationIntervalSeconds: 299 } }), /keyRotationIntervalSeconds must be an integer from 300/);
    assert.throws(make({ encryption: { videoPreset: 9 as never } }), /videoPreset must be 1..8/);
    assert.throws(make({ encryption: { audioPreset: 4 as never } }), /audioPreset must be 1..3/);
    assert.throws(make({ encryption: { drmSystems: [] } }), /at least one DRM system/);
    assert.throws(make({ encryption: { drmSystems: ["CLEAR_KEY_AES_128"] } }), /CLEAR_KEY_AES_128 is not allowed here/);
    assert.throws(make({ encryption: { method: "AES_128" } }), /CMAF encryption method must be CENC or CBCS/);
    assert.throws(make({ container: "TS", dashManifests: ["d"] }), /DASH manifests need the CMAF container/);
    assert.throws(make({ container: "TS", encryption: { method: "SAMPLE_AES", drmSystems: ["WIDEVINE"] } }), /WIDEVINE is not allowed here/);
    assert.throws(() => new MediaPackageV2Origin("bad", { speke, endpoints: [] }), /at least one endpoint/);
    assert.throws(() => new MediaPackageV2Origin("bad", { speke: { url: "", roleArn: "" }, endpoints: [{ name: "a", container: "CMAF" }] }), /speke.url and speke.roleArn/);
    assert.throws(() => new MediaPackageV2Origin("bad", { speke, endpoints: [{ name: "a", container: "CMAF" }, { name: "a", container: "TS" }] }), /used twice/);
    assert.throws(() => new MediaPackageV2Origin("bad", { speke, endpoints: [{ name: "a b", container: "CMAF" }] }), /name must match/);
  });
});
