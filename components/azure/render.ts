/**
 * Pure rendering, no Pulumi runtime: the shared policy model -> `azure-native.media` argument shapes (discriminator
 * `odataType`), streaming policy specs -> StreamingPolicy arguments with the checks AMS applies, and the content keys
 * of a locator from the key seed. Components call these; tests and the migration call them directly.
 *
 * The public face of render-content-key-policy.ts, render-streaming-spec.ts, render-streaming-policy.ts (with
 * render-common-encryption.ts), render-url-templates.ts and render-locator-keys.ts.
 */
export {
  policyHasSecrets,
  renderContentKeyPolicy,
  toPulumiShape,
  wrapSecrets,
  type AmsContentKeyPolicyOptionArgs,
} from "./render-content-key-policy";
export {
  DEFAULT_KEY_LABELS,
  type CbcsSpec,
  type CencSpec,
  type ClearKeyStreamingConfig,
  type EncryptedScheme,
  type EnvelopeSpec,
  type FairPlayStreamingConfig,
  type LicenseUrlConfig,
  type PlayReadyStreamingConfig,
  type SchemeCommon,
  type StreamingPolicySpec,
  type StreamingProtocol,
} from "./render-streaming-spec";
export { renderStreamingPolicy, streamingPolicyLabels, type StreamingPolicyArgsShape } from "./render-streaming-policy";
export { keyplaneUrlTemplates, validateUrlTemplate, withKeyplaneUrls } from "./render-url-templates";
export {
  defaultLocatorKid,
  locatorContentKeys,
  resolveLocatorKids,
  type LocatorKeySpec,
} from "./render-locator-keys";
