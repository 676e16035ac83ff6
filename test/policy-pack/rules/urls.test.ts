import assert from "node:assert/strict";
import { httpsUrls } from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

const endpoint = (url: string, stack = "prod") =>
  res(
    "aws-native:mediapackagev2:OriginEndpoint",
    {
      channelGroupName: "g",
      channelName: "c",
      containerType: "CMAF",
      segment: {
        encryption: {
          encryptionMethod: { cmafEncryptionMethod: "CBCS" },
          spekeKeyProvider: {
            url,
            roleArn: "arn:aws:iam::123456789012:role/speke",
            resourceId: "r",
            drmSystems: ["FAIRPLAY"],
            encryptionContractConfiguration: {
              presetSpeke20Audio: "PRESET_AUDIO_1",
              presetSpeke20Video: "PRESET_VIDEO_1",
            },
          },
        },
      },
    },
    "ep",
    stack,
  );

describe("policy-pack/rules/urls: keyplane-https-urls", () => {
  it("passes an https SPEKE URL", () =>
    assert.deepEqual(run(httpsUrls, endpoint("https://abc.execute-api.us-east-1.amazonaws.com/v1/speke")), []));
  it("fails an http SPEKE URL, naming the path", () => {
    const v = run(httpsUrls, endpoint("http://keys.example.com/speke"));
    assertFindings(v, [
      [
        "keyplane-https-urls",
        "segment.encryption.spekeKeyProvider.url is not HTTPS (http://keys.example.com/speke)",
        "segment.encryption.spekeKeyProvider.url",
      ],
    ]);
  });
  it("allows http://localhost outside production only", () => {
    assert.deepEqual(run(httpsUrls, endpoint("http://localhost:8080/speke", "dev")), []);
    assertFindings(run(httpsUrls, endpoint("http://localhost:8080/speke", "prod")), [
      [
        "keyplane-https-urls",
        "segment.encryption.spekeKeyProvider.url is not HTTPS (http://localhost:8080/speke)",
        "segment.encryption.spekeKeyProvider.url",
      ],
    ]);
  });
  it("checks AMS streaming policy license templates and function settings", () => {
    const sp = res("azure-native:media:StreamingPolicy", {
      accountName: "a",
      resourceGroupName: "g",
      commonEncryptionCenc: {
        enabledProtocols: { dash: true, hls: false, smoothStreaming: false, download: false },
        drm: { widevine: { customLicenseAcquisitionUrlTemplate: "http://lic.example.com/wv/{ContentKeyId}" } },
      },
    });
    assertFindings(run(httpsUrls, sp), [
      [
        "keyplane-https-urls",
        "commonEncryptionCenc.drm.widevine.customLicenseAcquisitionUrlTemplate is not HTTPS (http://lic.example.com/wv/{ContentKeyId})",
        "commonEncryptionCenc.drm.widevine.customLicenseAcquisitionUrlTemplate",
      ],
    ]);
    const fn = res("aws:lambda/function:Function", {
      environment: { variables: { VENDOR_LICENSE_URL: "http://vendor.example.com/license", LOG_LEVEL: "info" } },
    });
    assertFindings(run(httpsUrls, fn), [
      [
        "keyplane-https-urls",
        "environment.variables.VENDOR_LICENSE_URL is not HTTPS (http://vendor.example.com/license)",
        "environment.variables.VENDOR_LICENSE_URL",
      ],
    ]);
    const ok = res("aws:lambda/function:Function", {
      environment: { variables: { VENDOR_LICENSE_URL: "https://vendor.example.com/license" } },
    });
    assert.deepEqual(run(httpsUrls, ok), []);
  });
  it("ignores unrelated http URLs outside protection resources", () => {
    assert.deepEqual(
      run(
        httpsUrls,
        res("aws:sns/topicSubscription:TopicSubscription", {
          endpoint: "http://hooks.example.com/alarm",
          protocol: "http",
        }),
      ),
      [],
    );
  });
});
