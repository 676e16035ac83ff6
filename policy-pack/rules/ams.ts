/** Azure Media Services streaming: protected content is never published through a clear streaming policy in production. */
import { isAmsType, isProduction, isRecord } from "./inspect";
import type { RuleDefinition, RuleFinding } from "./types";

/** AMS predefined streaming policies that deliver content in the clear. */
export const CLEAR_STREAMING_POLICIES = [
  "Predefined_ClearStreamingOnly",
  "Predefined_DownloadOnly",
  "Predefined_DownloadAndClearStreaming",
];

export const amsLocatorProtected: RuleDefinition = {
  name: "keyplane-ams-locator-protected",
  description:
    "In production, AMS streaming locators do not use the clear predefined streaming policies (Predefined_ClearStreamingOnly, Predefined_DownloadOnly, Predefined_DownloadAndClearStreaming), and custom streaming policies do not enable noEncryption protocols.",
  enforcementLevel: "mandatory",
  configKeys: ["environment", "productionEnvironments"],
  check: (resource, config) => {
    if (!isProduction(resource, config)) return [];
    const out: RuleFinding[] = [];
    if (isAmsType(resource.type, "StreamingLocator")) {
      const policy = String(resource.props.streamingPolicyName ?? "");
      if (policy === "" || CLEAR_STREAMING_POLICIES.includes(policy)) {
        out.push({
          path: "streamingPolicyName",
          message: `streaming locator publishes content with ${policy === "" ? "no streaming policy" : policy} (clear) in production`,
        });
      }
    }
    if (isAmsType(resource.type, "StreamingPolicy") && isRecord(resource.props.noEncryption)) {
      out.push({
        path: "noEncryption",
        message: "streaming policy enables clear (noEncryption) protocols in production",
      });
    }
    return out;
  },
};
