import assert from "node:assert/strict";
import { amsLocatorProtected } from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

const locator = (streamingPolicyName: string, stack = "prod") =>
  res(
    "azure-native:media:StreamingLocator",
    { accountName: "a", resourceGroupName: "g", assetName: "movie", streamingPolicyName },
    "loc",
    stack,
  );

describe("policy-pack/rules/ams: keyplane-ams-locator-protected", () => {
  it("passes a custom DRM streaming policy and the predefined multi-DRM policy", () => {
    assert.deepEqual(run(amsLocatorProtected, locator("keyplane-multi-drm")), []);
    assert.deepEqual(run(amsLocatorProtected, locator("Predefined_MultiDrmCencStreaming")), []);
  });
  it("fails Predefined_ClearStreamingOnly (an AMS predefined clear policy) in prod, allows it in dev", () => {
    assertFindings(run(amsLocatorProtected, locator("Predefined_ClearStreamingOnly")), [
      [
        "keyplane-ams-locator-protected",
        "streaming locator publishes content with Predefined_ClearStreamingOnly (clear) in production",
        "streamingPolicyName",
      ],
    ]);
    assert.deepEqual(run(amsLocatorProtected, locator("Predefined_ClearStreamingOnly", "dev")), []);
  });
  it("fails a streaming policy enabling noEncryption in prod", () => {
    const sp = res("azure-native:media:StreamingPolicy", {
      accountName: "a",
      resourceGroupName: "g",
      noEncryption: { enabledProtocols: { dash: true, hls: true, smoothStreaming: false, download: false } },
    });
    assertFindings(run(amsLocatorProtected, sp), [
      [
        "keyplane-ams-locator-protected",
        "streaming policy enables clear (noEncryption) protocols in production",
        "noEncryption",
      ],
    ]);
  });
});
