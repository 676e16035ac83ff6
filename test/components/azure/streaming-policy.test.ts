/**
 * Streaming policies: rendering against the public ARM examples (Azure/azure-rest-api-specs,
 * specification/mediaservices/Mediaservices.Management/examples/2023-01-01, request `properties`):
 * streaming-policies-create-commonEncryptionCbcs-only.json and streaming-policies-create-commonEncryptionCenc-only.json;
 * plus the combinations AMS refuses, and the component under mocks.
 */
import assert from "node:assert/strict";
import {
  AmsStreamingPolicy,
  keyplaneUrlTemplates,
  renderStreamingPolicy,
  validateUrlTemplate,
  type StreamingPolicySpec,
} from "../../../components/azure";
import { isKeyplaneError } from "../../../functions/errors";
import { installMocks, promiseOf, resourcesOfType } from "../../support/azure-mocks";

function refused(spec: StreamingPolicySpec, re: RegExp): void {
  assert.throws(
    () => renderStreamingPolicy(spec),
    (e: unknown) => isKeyplaneError(e) && e.code === "AMS_STREAMING_POLICY_INVALID" && re.test(e.message),
  );
}

describe("components/azure: streaming policies", function () {
  this.timeout(20000);

  it("renders the AMS 'commonEncryptionCbcs only' example exactly", () => {
    const example = {
      commonEncryptionCbcs: {
        contentKeys: { defaultKey: { label: "cbcsDefaultKey" } },
        drm: {
          fairPlay: {
            allowPersistentLicense: true,
            customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/fairplay/{ContentKeyId}",
          },
        },
        enabledProtocols: { dash: false, download: false, hls: true, smoothStreaming: false },
      },
      defaultContentKeyPolicyName: "PolicyWithMultipleOptions",
    };
    const out = renderStreamingPolicy({
      name: "UserCreatedSecureStreamingPolicyWithCommonEncryptionCbcsOnly",
      defaultContentKeyPolicyName: "PolicyWithMultipleOptions",
      cbcs: {
        protocols: ["Hls"],
        fairPlay: {
          allowPersistentLicense: true,
          customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/fairplay/{ContentKeyId}",
        },
      },
    });
    const { streamingPolicyName, ...props } = out;
    assert.equal(streamingPolicyName, "UserCreatedSecureStreamingPolicyWithCommonEncryptionCbcsOnly");
    assert.deepEqual(props, example);
  });

  it("renders the AMS 'commonEncryptionCenc only' example (its Widevine URL typo '{ContentKeyId' fixed) exactly", () => {
    const example = {
      commonEncryptionCenc: {
        clearTracks: [{ trackSelections: [{ operation: "Equal", property: "FourCC", value: "hev1" }] }],
        contentKeys: { defaultKey: { label: "cencDefaultKey" } },
        drm: {
          playReady: {
            customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/playready/{ContentKeyId}",
            playReadyCustomAttributes: "PlayReady CustomAttributes",
          },
          widevine: {
            customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/widevine/{ContentKeyId}",
          },
        },
        enabledProtocols: { dash: true, download: false, hls: false, smoothStreaming: true },
      },
      defaultContentKeyPolicyName: "PolicyWithPlayReadyOptionAndOpenRestriction",
    };
    const spec: StreamingPolicySpec = {
      name: "UserCreatedSecureStreamingPolicyWithCommonEncryptionCencOnly",
      defaultContentKeyPolicyName: "PolicyWithPlayReadyOptionAndOpenRestriction",
      cenc: {
        protocols: ["Dash", "SmoothStreaming"],
        clearTracks: [{ trackSelections: [{ property: "FourCC", operation: "Equal", value: "hev1" }] }],
        playReady: {
          customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/playready/{ContentKeyId}",
          playReadyCustomAttributes: "PlayReady CustomAttributes",
        },
        widevine: {
          customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/widevine/{ContentKeyId}",
        },
      },
    };
    const { streamingPolicyName: _n, ...props } = renderStreamingPolicy(spec);
    assert.deepEqual(props, example);
    // The example as published (unbalanced brace) is refused.
    refused(
      {
        ...spec,
        cenc: {
          ...spec.cenc!,
          widevine: {
            customLicenseAcquisitionUrlTemplate: "https://contoso.com/{AssetAlternativeId}/widevine/{ContentKeyId",
          },
        },
      },
      /unbalanced/,
    );
  });

  it("renders envelope (AES-128) and clear policies, and multi-DRM with Keyplane URL templates", () => {
    const urls = keyplaneUrlTemplates("https://keys.example.com/");
    assert.equal(urls.envelopeKey, "https://keys.example.com/hls/key/{ContentKeyId}");
    const out = renderStreamingPolicy({
      name: "multi",
      envelope: { protocols: ["Hls", "Dash"], customKeyAcquisitionUrlTemplate: urls.envelopeKey },
      cenc: {
        protocols: ["Dash"],
        playReady: { customLicenseAcquisitionUrlTemplate: urls.playReady },
        widevine: { customLicenseAcquisitionUrlTemplate: urls.widevine },
        clearKey: { customKeysAcquisitionUrlTemplate: urls.clearKey },
      },
      cbcs: { protocols: ["Hls"], fairPlay: { customLicenseAcquisitionUrlTemplate: urls.fairPlay } },
    });
    assert.deepEqual(out.envelopeEncryption, {
      enabledProtocols: { dash: true, download: false, hls: true, smoothStreaming: false },
      contentKeys: { defaultKey: { label: "aesDefaultKey" } },
      customKeyAcquisitionUrlTemplate: "https://keys.example.com/hls/key/{ContentKeyId}",
    });
    assert.deepEqual(out.commonEncryptionCenc?.clearKeyEncryptionConfiguration, {
      customKeysAcquisitionUrlTemplate: "https://keys.example.com/clearkey",
    });
    assert.deepEqual(out.commonEncryptionCbcs?.drm, {
      fairPlay: {
        allowPersistentLicense: false,
        customLicenseAcquisitionUrlTemplate: "https://keys.example.com/license/fairplay?kid={ContentKeyId}",
      },
    });
    assert.deepEqual(renderStreamingPolicy({ name: "clear", clear: { protocols: ["Dash", "Hls", "Download"] } }), {
      streamingPolicyName: "clear",
      noEncryption: { enabledProtocols: { dash: true, download: true, hls: true, smoothStreaming: false } },
    });
    // `true` = AMS-issued licenses, no custom URL
    assert.deepEqual(
      renderStreamingPolicy({ name: "amsissued", cenc: { protocols: ["Dash"], widevine: true } }).commonEncryptionCenc
        ?.drm,
      { widevine: {} },
    );
  });

  it("refuses what AMS and players refuse, with clear messages", () => {
    refused({ name: "none" }, /at least one of cenc, cbcs, envelope, clear/);
    refused(
      { name: "mixed", clear: { protocols: ["Dash"] }, cenc: { protocols: ["Dash"], widevine: true } },
      /cannot be combined/,
    );
    refused(
      { name: "dl", cenc: { protocols: ["Dash", "Download"], widevine: true } },
      /Download is only possible without encryption/,
    );
    refused({ name: "noproto", envelope: { protocols: [] } }, /at least one protocol/);
    refused({ name: "nodrm", cenc: { protocols: ["Dash"] } }, /cenc needs playReady, widevine or clearKey/);
    refused({ name: "fpcenc", cenc: { protocols: ["Hls"], fairPlay: true } as never }, /FairPlay uses cbcs/);
    refused({ name: "fpdash", cbcs: { protocols: ["Dash"], fairPlay: true } }, /FairPlay is delivered over HLS/);
    refused(
      { name: "sscbcs", cbcs: { protocols: ["Hls", "SmoothStreaming"], fairPlay: true } },
      /SmoothStreaming is not supported here/,
    );
    refused(
      { name: "sswv", cenc: { protocols: ["SmoothStreaming"], widevine: true } },
      /Smooth Streaming carries PlayReady only/,
    );
    refused(
      {
        name: "dup",
        cenc: { protocols: ["Dash"], widevine: true, label: "k" },
        cbcs: { protocols: ["Hls"], fairPlay: true, label: "k" },
      },
      /label "k" is used by two schemes/,
    );
    refused({ name: "bad name!", clear: { protocols: ["Dash"] } }, /name/);
  });

  it("checks URL templates: https, AMS tokens only, ClearKey only {AlternativeMediaId}", () => {
    const bad = (t: string, re: RegExp, allowed?: Set<string>) =>
      assert.throws(
        () => validateUrlTemplate(t, "t", allowed),
        (e: unknown) => isKeyplaneError(e) && re.test(e.message),
      );
    validateUrlTemplate("https://k.example/{AlternativeMediaId}/{ContentKeyId}", "t");
    validateUrlTemplate("http://localhost:8080/hls/key/{ContentKeyId}", "t");
    bad("http://k.example/{ContentKeyId}", /https/);
    bad("https://k.example/{KeyId}", /unsupported token \{KeyId\}/);
    bad("/relative/{ContentKeyId}", /absolute URL/);
    refused(
      {
        name: "ck",
        cenc: {
          protocols: ["Dash"],
          clearKey: { customKeysAcquisitionUrlTemplate: "https://k.example/{ContentKeyId}" },
        },
      },
      /unsupported token \{ContentKeyId\}/,
    );
  });

  it("registers a media:StreamingPolicy with the rendered arguments (mocks)", async () => {
    await installMocks();
    const sp = new AmsStreamingPolicy("sp", {
      resourceGroupName: "rg",
      accountName: "acct",
      spec: {
        name: "drm",
        cenc: { protocols: ["Dash"], widevine: true, playReady: true },
        cbcs: { protocols: ["Hls"], fairPlay: true },
      },
    });
    await promiseOf(sp.resource.urn);
    assert.equal(await promiseOf(sp.policyName), "drm");
    assert.deepEqual(sp.labels, [
      { scheme: "cenc", label: "cencDefaultKey" },
      { scheme: "cbcs", label: "cbcsDefaultKey" },
    ]);
    const [res] = resourcesOfType("azure-native:media:StreamingPolicy");
    assert.equal(res?.inputs.streamingPolicyName, "drm");
    assert.equal(res?.inputs.accountName, "acct");
    assert.deepEqual((res!.inputs.commonEncryptionCbcs as Record<string, unknown>).enabledProtocols, {
      dash: false,
      download: false,
      hls: true,
      smoothStreaming: false,
    });
  });
});
