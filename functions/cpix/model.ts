/**
 * The typed CPIX document models, request and response: plain data, so tests and benchmarks can build them without
 * XML. The SPEKE request (a document + the protocol version) is speke/request.ts. KIDs are 16-byte big-endian
 * `Buffer`s (Keyplane's one KID form); the original text is kept for error messages.
 */

export interface ContentKeyRequest {
  kid: Buffer;
  /** The `kid` attribute as written in the request. */
  kidText: string;
  /** `kid` as 32 lowercase hex digits: the one map key for "same KID" (computed once, at parse time). */
  kidHex: string;
  /** `cenc`, `cbc1`, `cens` or `cbcs`; may be absent in v1. */
  commonEncryptionScheme?: string;
  /** base64 text of `explicitIV`, echoed back. */
  explicitIV?: string;
  /** The request already carried a `Data` element (echoed filled either way). */
  hasData: boolean;
  /** `ContentKey@id`, echoed. */
  id?: string;
}

/** Which children of a `DRMSystem` the request asked for. */
export interface DrmSystemRequest {
  kid: Buffer;
  kidText: string;
  /** `kid` as 32 lowercase hex digits: the one map key for "same KID" (computed once, at parse time). */
  kidHex: string;
  /** Lowercase UUID. */
  systemId: string;
  pssh: boolean;
  /** base64 text of a PSSH the request already carried (non-empty), if any. */
  psshValue?: string;
  contentProtectionData: boolean;
  uriExtXKey: boolean;
  hlsMedia: boolean;
  hlsMaster: boolean;
  smoothStreaming: boolean;
  hdsSignalingData: boolean;
  /** v1 `speke:KeyFormat`, `speke:KeyFormatVersions`, `speke:ProtectionHeader`. */
  spekeKeyFormat: boolean;
  spekeKeyFormatVersions: boolean;
  spekeProtectionHeader: boolean;
  /** `DRMSystem@id` / `@name`, echoed. */
  id?: string;
  name?: string;
}

export interface ContentKeyPeriodRequest {
  id?: string;
  index?: number;
  /** xs:dateTime text, echoed unchanged. */
  start?: string;
  end?: string;
  /** SPEKE 2.1 (CPIX 2.4) VOD offsets, echoed unchanged. */
  startOffset?: string;
  endOffset?: string;
}

export interface VideoFilter {
  minPixels?: string;
  maxPixels?: string;
  hdr?: string;
  wcg?: string;
  minFps?: string;
  maxFps?: string;
}
export interface AudioFilter {
  minChannels?: string;
  maxChannels?: string;
}
export interface BitrateFilter {
  minBitrate?: string;
  maxBitrate?: string;
}

export interface UsageRuleRequest {
  kid: Buffer;
  kidText: string;
  /** `kid` as 32 lowercase hex digits: the one map key for "same KID" (computed once, at parse time). */
  kidHex: string;
  /** `ContentKeyUsageRule@id`, echoed. */
  id?: string;
  intendedTrackType?: string;
  keyPeriodFilters: string[];
  labelFilters: string[];
  videoFilters: VideoFilter[];
  audioFilters: AudioFilter[];
  bitrateFilters: BitrateFilter[];
}

export interface DeliveryDataRequest {
  /** base64 DER of `DeliveryKey/ds:X509Data/ds:X509Certificate` (whitespace removed). */
  certificate: string;
  /** `DeliveryData@id` / `@name`, echoed. */
  id?: string;
  name?: string;
}

/** A CPIX request document as written. */
export interface CpixRequest {
  /** `CPIX@contentId` as written. */
  contentId?: string;
  /** `CPIX@id` as written (SPEKE v1 echoes it). */
  id?: string;
  /** `CPIX@version` as written. */
  version?: string;
  contentKeys: ContentKeyRequest[];
  drmSystems: DrmSystemRequest[];
  periods: ContentKeyPeriodRequest[];
  usageRules: UsageRuleRequest[];
  deliveryData: DeliveryDataRequest[];
  /** Which lists were present (a present-but-empty list is not the same as an absent one). */
  lists: { contentKeys: boolean; drmSystems: boolean; periods: boolean; usageRules: boolean; deliveryData: boolean };
}

/** A content key value in the response: plain, or encrypted with the document key. */
export type KeyValue = { kind: "plain"; value: string } | { kind: "encrypted"; cipherValue: string; valueMac: string };

export interface ContentKeyResponse {
  kidText: string;
  id?: string;
  commonEncryptionScheme?: string;
  explicitIV?: string;
  value: KeyValue;
}

/** Filled DRMSystem children: base64 text (or, for Smooth Streaming, the base64 PlayReady Object). Undefined = omit. */
export interface DrmSystemResponse {
  kidText: string;
  systemId: string;
  id?: string;
  name?: string;
  pssh?: string;
  contentProtectionData?: string;
  uriExtXKey?: string;
  hlsMedia?: string;
  hlsMaster?: string;
  smoothStreaming?: string;
  spekeKeyFormat?: string;
  spekeKeyFormatVersions?: string;
  spekeProtectionHeader?: string;
}

export interface UsageRuleResponse extends Omit<UsageRuleRequest, "kid" | "kidHex"> {}

export interface DeliveryDataResponse {
  certificate: string;
  id?: string;
  name?: string;
  encryptedDocumentKey: string;
  encryptedMacKey: string;
}

export interface CpixResponse {
  /** The SPEKE v1 profile (CPIX 2.0): the `speke:` namespace is declared and `CPIX@id` written. */
  spekeV1: boolean;
  id?: string;
  contentId?: string;
  version?: string;
  deliveryData: DeliveryDataResponse[];
  contentKeys: ContentKeyResponse[];
  drmSystems: DrmSystemResponse[];
  periods: ContentKeyPeriodRequest[];
  usageRules: UsageRuleResponse[];
  lists: { periods: boolean; usageRules: boolean };
}
