/**
 * Builds the content key policy (functions/policy/model.ts) the stack enforces everywhere (AWS key delivery and AMS)
 * from `keyplane:contentProtection`. The token verification key, when used, comes from the secret `keyplane:tokenKey`.
 */
import type { ContentKeyPolicyInput } from "keyplane/policy";
import type { ContentProtectionSettings } from "./config";

export const DEFAULT_POLICY_NAME = "keyplane-default";

export function buildContentKeyPolicy(cp: ContentProtectionSettings, tokenKey?: string): ContentKeyPolicyInput {
  const restriction =
    cp.restriction === "open"
      ? { type: "Open" as const }
      : {
          type: "Token" as const,
          issuer: cp.issuer ?? "",
          audience: cp.audience ?? "",
          tokenType: cp.tokenType,
          maxTokenLifetimeSeconds: cp.maxTokenLifetimeSeconds,
          ...(cp.openIdConnectDiscoveryDocument
            ? { openIdConnectDiscoveryDocument: cp.openIdConnectDiscoveryDocument }
            : tokenKey
              ? { primaryVerificationKey: { type: "Symmetric" as const, keyValue: tokenKey } }
              : {}),
        };
  return {
    name: DEFAULT_POLICY_NAME,
    description: "Keyplane stack policy",
    options: cp.drm.map((drm) => {
      if (drm === "ClearKey") return { name: "clearkey", configuration: { type: "ClearKey" as const }, restriction };
      if (drm === "Widevine") {
        return {
          name: "widevine",
          configuration: {
            type: "Widevine" as const,
            template: {
              allowed_track_types: "SD_HD" as const,
              content_key_specs: [
                { track_type: "SD", security_level: cp.widevineSecurityLevel },
                { track_type: "HD", security_level: cp.widevineSecurityLevel },
              ],
            },
          },
          restriction,
        };
      }
      return {
        name: "playready",
        configuration: {
          type: "PlayReady" as const,
          licenses: [
            {
              allowTestDevices: cp.playReadyAllowTestDevices,
              securityLevel: cp.playReadySecurityLevel,
              licenseType: "NonPersistent" as const,
              contentKeyLocation: { type: "FromHeader" as const },
            },
          ],
        },
        restriction,
      };
    }),
  };
}
