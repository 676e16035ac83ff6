/**
 * Azure after Media Services: Keyplane's key delivery on Azure Functions (AzureKeyDelivery) under the stack's content
 * key policy, and the AMS-shaped content protection (AzureContentProtection: content key policy, streaming policies,
 * locators) pointing its licence and key URL templates at it. One key seed for both (the locators' content keys and
 * the keys delivery derives), one policy model, delivered by Keyplane. The AMS part can still be declared and reviewed
 * (AMS itself was retired on 30 June 2024); the AzureKeyDelivery part deploys today.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AzureKeyDelivery, type AzureKeyDeliveryArgs } from "keyplane/azure";
import type { ContentKeyPolicyInput } from "keyplane/policy";
import type { AzureSettings, ContentProtectionSettings } from "../config";
import { azureVod } from "./azure-vod";

export interface AzureKeyDeliveryInputs {
  azure: AzureSettings;
  /** The shared key seed (Pulumi secret, base64 ≥ 30 bytes). */
  keySeed: pulumi.Output<string>;
  policy: ContentKeyPolicyInput;
  contentProtection: ContentProtectionSettings;
  /** Player origins allowed to call key delivery. */
  corsAllowOrigins: string[];
  /** Token service settings (signing key: a Pulumi secret) and entitlement rules for POST /token. */
  delivery?: AzureKeyDeliveryArgs["delivery"];
  entitlements?: AzureKeyDeliveryArgs["entitlements"];
  /** Declare the AMS side too (default true): its URL templates then point at the new key delivery. */
  withMediaServices?: boolean;
  tags?: Record<string, string>;
}

export function azureKeyDelivery(name: string, i: AzureKeyDeliveryInputs) {
  const kd = new AzureKeyDelivery(`${name}-keys`, {
    resourceGroupName: i.azure.resourceGroupName,
    ...(i.azure.location ? { location: i.azure.location } : {}),
    policies: [i.policy],
    defaultPolicy: i.policy.name,
    corsAllowOrigins: i.corsAllowOrigins,
    keySeed: { value: i.keySeed },
    ...(i.delivery ? { delivery: i.delivery } : {}),
    ...(i.entitlements ? { entitlements: i.entitlements } : {}),
    ...(i.tags ? { tags: i.tags } : {}),
  });
  const out: Record<string, pulumi.Output<unknown>> = {
    tokenUrl: kd.tokenUrl,
    clearKeyLicenseUrl: kd.clearKeyLicenseUrl,
    hlsKeyUrlTemplate: kd.hlsKeyUrlTemplate,
    functionAppName: kd.functionAppName,
    identityPrincipalId: kd.identity.apply((x) => x.principalId),
  };
  if (i.withMediaServices !== false) {
    const { amsAccountName } = azureVod(name, {
      azure: i.azure,
      keySeed: i.keySeed,
      policy: i.policy,
      contentProtection: i.contentProtection,
      keyDelivery: kd,
    });
    out.amsAccountName = amsAccountName;
  }
  return out;
}
