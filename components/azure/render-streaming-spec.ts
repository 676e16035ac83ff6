/**
 * The streaming policy spec: per encryption scheme (cenc, cbcs, envelope, clear) the protocols, content key label and
 * policy, clear tracks and DRM licence settings. Rendered by render-streaming-policy.ts.
 */
import { KeyplaneError } from "../../functions/errors";

export type StreamingProtocol = "Dash" | "Hls" | "SmoothStreaming" | "Download";

/** A DRM entry; `true` means "AMS-issued licenses" (no custom URL). */
export interface LicenseUrlConfig {
  /** Custom license server URL template; may use {ContentKeyId} and {AlternativeMediaId}. */
  customLicenseAcquisitionUrlTemplate?: string;
}
export interface PlayReadyStreamingConfig extends LicenseUrlConfig {
  playReadyCustomAttributes?: string;
}
export interface FairPlayStreamingConfig extends LicenseUrlConfig {
  allowPersistentLicense?: boolean;
}
export interface ClearKeyStreamingConfig {
  /** Only {AlternativeMediaId} is substituted by AMS here. */
  customKeysAcquisitionUrlTemplate?: string;
}
export interface SchemeCommon {
  protocols: StreamingProtocol[];
  /** Content key label referenced by locators (`labelReferenceInStreamingPolicy`). Defaults as AMS's predefined policies. */
  label?: string;
  /** Content key policy for this scheme's default key. */
  contentKeyPolicyName?: string;
  /** Tracks left unencrypted (ARM `clearTracks`), e.g. `[{ trackSelections: [{ property: "FourCC", operation: "Equal", value: "hev1" }] }]`. */
  clearTracks?: Array<{
    trackSelections: Array<{ property: "Unknown" | "FourCC"; operation: "Unknown" | "Equal"; value?: string }>;
  }>;
}
export interface CencSpec extends SchemeCommon {
  playReady?: PlayReadyStreamingConfig | true;
  widevine?: LicenseUrlConfig | true;
  clearKey?: ClearKeyStreamingConfig;
}
export interface CbcsSpec extends SchemeCommon {
  fairPlay?: FairPlayStreamingConfig | true;
  playReady?: PlayReadyStreamingConfig | true;
  widevine?: LicenseUrlConfig | true;
  clearKey?: ClearKeyStreamingConfig;
}
export interface EnvelopeSpec extends SchemeCommon {
  /** AES-128 key URL template; may use {ContentKeyId} and {AlternativeMediaId}. */
  customKeyAcquisitionUrlTemplate?: string;
}
export interface StreamingPolicySpec {
  /** Streaming policy name. */
  name: string;
  defaultContentKeyPolicyName?: string;
  /** CommonEncryptionCenc: PlayReady / Widevine on DASH, Smooth (and HLS-CMAF). */
  cenc?: CencSpec;
  /** CommonEncryptionCbcs: FairPlay on HLS, optionally PlayReady / Widevine. */
  cbcs?: CbcsSpec;
  /** EnvelopeEncryption: AES-128 clear key. */
  envelope?: EnvelopeSpec;
  /** NoEncryption: clear streaming and/or download. */
  clear?: { protocols: StreamingProtocol[] };
}

/** Labels AMS uses in its predefined streaming policies; locators reference them. */
export const DEFAULT_KEY_LABELS = {
  cenc: "cencDefaultKey",
  cbcs: "cbcsDefaultKey",
  envelope: "aesDefaultKey",
} as const;
export type EncryptedScheme = keyof typeof DEFAULT_KEY_LABELS;

/** The error every streaming policy check throws (400, `AMS_STREAMING_POLICY_INVALID`). */
export function specError(message: string): KeyplaneError {
  return new KeyplaneError("AMS_STREAMING_POLICY_INVALID", `Invalid streaming policy: ${message}`, { status: 400 });
}
