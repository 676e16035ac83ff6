import assert from "node:assert/strict";
import { httpsUrls } from "../../../policy-pack/rules";
import { res } from "./fixtures";
import { run } from "./helpers";

const endpoint = (url: string, stack = "prod") =>
  res("aws-native:mediapackagev2:OriginEndpoint", {
    channelGroupName: "g",
    channelName: "c",
    containerType: "CMAF",
    segment: { encryption: { encryptionMethod: { cmafEncryptionMethod: "CBCS" }, spekeKeyProvider: { url, roleArn: "arn:aws:iam::123456789012:role/speke", resourceId: "r", drmSystems: ["FAIRPLAY"], encryptionContractConfiguration: { presetSpeke20Audio: "PRESET_AUDIO_1", presetSpeke20Video: "PRESET_VIDEO_1" } } } },
  }, "ep", stack);

describe("policy-pack/rules/urls: keyplane-https-urls", () => {
  it("passes an https SPEKE URL", () => assert.deepEqual(run(httpsUrls, endpoint("https://abc.execute-api.us-east-1.amazonaws.com/v1/speke")), []));
  it("fails an http SPEKE URL, naming the path", () => {
    const v = run(httpsUrls, endpoint("http://keys.example.com/speke"));
    assert.equal(v.length, 1);
    assert.equal(v[0]?.path, "segment.encryption.spekeKeyProvider.url");
  });
  it("allows http://localhost outside production only", () => {
    assert.deepEqual(run(httpsUrls, endpoint("http://localhost:8080/speke", "dev")), []);
    assert.equal(run(httpsUrls, endpoint("http://localhost:8080/speke", "prod")).length, 1);
  });
  it("checks AMS streaming policy license templates and function settings", () => {
    const sp = res("azure-native:media:StreamingPolicy", { accountName: "a", resourceGroupName: "g", commonEncryptionCenc: { enabledProtocols: { dash: true, hls: false, smoothStreaming: false, download: false }, drm: { widevine: { customLicenseAcquisitionUrlTemplate: "http://lic.example.com/wv/{ContentKeyId}" } } } });
    assert.equal(run(httpsUrls, sp).length, 1);
    const fn = res("aws:lambda/function:Function", { environment: { variables: { VENDOR_LICENSE_URL: "http://vendor.example.com/license", LOG_LEVEL: "info" } } });
    assert.deepEqual(run(httpsUrls, fn).map((v) => v.path), ["environment.variables.VENDOR_LICENSE_URL"]);
    const ok = res("aws:lambda/function:Function", { environment: { variables: { VENDOR_LICENSE_URL: "https://vendor.example.com/license" } } });
    assert.deepEqual(run(httpsUrls, ok), []);
  });
  it("ignores unrelated http URLs outside protection resources", () => {
    assert.deepEqual(run(httpsUrls, res("aws:sns/topicSubscription:TopicSubscription", { endpoint: "http://hooks.example.com/alarm", protocol: "http" })), []);
  });
});
