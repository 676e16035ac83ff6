/**
 * VOD on Azure Media Services (ARM model; AMS itself was retired on 30 June 2024, its resources can still be declared
 * and reviewed): content key policy from the stack policy, streaming policies per DRM, and a protected locator per
 * asset with KIDs whose keys derive from the same seed as the AWS side.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AzureContentProtection, type StreamingPolicySpec } from "keyplane/azure";
import type { ContentKeyPolicyInput } from "keyplane/policy";
import type { AzureSettings, ContentProtectionSettings } from "../config";

export interface AzureVodInputs {
  azure: AzureSettings;
  keySeed: pulumi.Output<string>;
  policy: ContentKeyPolicyInput;
  contentProtection: ContentProtectionSettings;
  /**
   * A Keyplane key delivery (e.g. an `AzureKeyDelivery`) the streaming policies' licence and key URL templates point
   * at; configured `licenseUrls` are then left out so every DRM points at it.
   */
  keyDelivery?: { url: pulumi.Input<string> };
}

export function streamingPolicies(
  azure: AzureSettings,
  cp: ContentProtectionSettings,
  policyName: string,
): StreamingPolicySpec[] {
  const drm = new Set(cp.drm);
  const out: StreamingPolicySpec[] = [];
  if (drm.has("PlayReady") || drm.has("Widevine")) {
    out.push({
      name: "keyplane-cenc",
      defaultContentKeyPolicyName: policyName,
      cenc: {
        protocols: ["Dash", "SmoothStreaming"],
        ...(drm.has("PlayReady")
          ? {
              playReady: azure.licenseUrls.playReady
                ? { customLicenseAcquisitionUrlTemplate: azure.licenseUrls.playReady }
                : true,
            }
          : {}),
        ...(drm.has("Widevine")
          ? {
              widevine: azure.licenseUrls.widevine
                ? { customLicenseAcquisitionUrlTemplate: azure.licenseUrls.widevine }
                : true,
            }
          : {}),
      },
    });
  }
  if (drm.has("ClearKey")) {
    out.push({
      name: "keyplane-aes",
      defaultContentKeyPolicyName: policyName,
      envelope: {
        protocols: ["Hls", "Dash"],
        ...(azure.licenseUrls.clearKey ? { customKeyAcquisitionUrlTemplate: azure.licenseUrls.clearKey } : {}),
      },
    });
  }
  return out;
}

export function azureVod(name: string, i: AzureVodInputs) {
  const azure = i.keyDelivery ? { ...i.azure, licenseUrls: {} } : i.azure;
  const specs = streamingPolicies(azure, i.contentProtection, i.policy.name);
  const first = specs[0];
  if (!first) throw new Error("contentProtection.drm yields no streaming policy");
  const cp = new AzureContentProtection(`${name}-ams`, {
    resourceGroupName: i.azure.resourceGroupName,
    ...(i.azure.location ? { location: i.azure.location } : {}),
    account: i.azure.account,
    keySeed: i.keySeed,
    contentKeyPolicies: [i.policy],
    streamingPolicies: specs,
    ...(i.keyDelivery ? { keyDelivery: i.keyDelivery } : {}),
    assets: i.azure.assets.map((a) => ({
      name: a.name,
      streamingPolicy: first.name,
      contentKeyPolicy: i.policy.name,
      existingAsset: a.existingAsset,
      ...(a.alternativeMediaId ? { alternativeMediaId: a.alternativeMediaId } : {}),
    })),
  });
  return { amsAccountName: cp.accountName };
}
