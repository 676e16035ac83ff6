/**
 * What MediaPackage v1 accepts, checked before AWS sees it (each message names the endpoint, the argument and the
 * value): ids, DRM systems per package type and method, the encryption contract with its key-rotation rule, and the
 * live endpoint settings (MediaPackage v1 user guide, "Time delay"; HLS DATERANGE needs a program date time interval).
 */
import type * as pulumi from "@pulumi/pulumi";
import { shown } from "../shared/inputs";
import type {
  Mp1DashOptions,
  Mp1Drm,
  Mp1EncryptionArgs,
  Mp1HlsOptions,
  Mp1MssOptions,
  Mp1PackageType,
} from "./mediapackage-v1-args";
import { assertPresets } from "./mediapackage-encryption";
import { CONSTANT_IV_RE } from "./mediapackage-speke-args";

export const ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

export type ResolvedMp1Encryption = pulumi.Unwrap<Mp1EncryptionArgs>;

/** An endpoint or VOD configuration with every Input resolved and the defaults applied (what is checked and rendered). */
export interface CheckedEndpoint {
  type: Mp1PackageType;
  seg: number;
  startover?: number;
  delay?: number;
  hls?: Mp1HlsOptions;
  dash?: Mp1DashOptions;
  mss?: Mp1MssOptions;
  enc?: ResolvedMp1Encryption;
}

/** Checks a channel or packaging group id; `where` names the component and the argument. */
export const checkId =
  (where: string) =>
  (v: string): string => {
    if (typeof v !== "string" || !ID_RE.test(v)) throw new Error(`${where} ${shown(v)} must match ${ID_RE}`);
    return v;
  };

/** Which DRM systems each v1 package type takes, per method. */
export function mp1AllowedSystems(type: Mp1PackageType, method?: string): Mp1Drm[] {
  switch (type) {
    case "HLS":
      return method === "SAMPLE_AES" ? ["FAIRPLAY"] : ["AES_128"];
    case "CMAF":
      return method === "AES_CTR" ? ["WIDEVINE", "PLAYREADY"] : ["FAIRPLAY", "WIDEVINE", "PLAYREADY"];
    case "DASH":
      return ["WIDEVINE", "PLAYREADY"];
    case "MSS":
      return ["PLAYREADY"];
  }
}

function checkType(where: string, type: unknown): void {
  if (!["HLS", "DASH", "CMAF", "MSS"].includes(type as string))
    throw new Error(`${where}: type must be HLS, DASH, CMAF or MSS (got ${shown(type)})`);
}

export function validateMp1Encryption(where: string, type: Mp1PackageType, enc: ResolvedMp1Encryption): void {
  checkType(where, type);
  if (type === "HLS" && enc.method !== undefined && enc.method !== "AES_128" && enc.method !== "SAMPLE_AES")
    throw new Error(`${where}: HLS method must be AES_128 or SAMPLE_AES`);
  if (type === "CMAF" && enc.method !== undefined && enc.method !== "SAMPLE_AES" && enc.method !== "AES_CTR")
    throw new Error(`${where}: CMAF method must be SAMPLE_AES or AES_CTR`);
  if ((type === "DASH" || type === "MSS") && enc.method !== undefined)
    throw new Error(`${where}: ${type} has no encryption method choice (always cenc)`);
  if (!Array.isArray(enc.drmSystems) || enc.drmSystems.length === 0)
    throw new Error(`${where}: drmSystems must list at least one DRM system`);
  if (enc.drmSystems.includes("FAIRPLAY") && (type === "DASH" || type === "MSS" || enc.method === "AES_CTR"))
    throw new Error(`${where}: FairPlay needs cbcs (HLS/CMAF with SAMPLE_AES)`);
  const allowed = mp1AllowedSystems(type, enc.method);
  for (const d of enc.drmSystems)
    if (!allowed.includes(d))
      throw new Error(
        `${where}: DRM system ${d} is not allowed for ${type}${enc.method ? ` ${enc.method}` : ""} (allowed: ${allowed.join(", ")})`,
      );
  if (new Set(enc.drmSystems).size !== enc.drmSystems.length) throw new Error(`${where}: a DRM system is listed twice`);
  const hasV = enc.videoPreset !== undefined,
    hasA = enc.audioPreset !== undefined;
  if (hasV !== hasA) throw new Error(`${where}: set both videoPreset and audioPreset, or neither`);
  if (hasV) {
    if (type === "MSS")
      throw new Error(`${where}: MSS endpoints do not take an encryption contract (SPEKE v2 presets)`);
    assertPresets(where, enc.videoPreset!, enc.audioPreset!);
    if (enc.keyRotationIntervalSeconds !== undefined && enc.keyRotationIntervalSeconds !== 0) {
      throw new Error(
        `${where}: with an encryption contract (presets) MediaPackage v1 requires keyRotationIntervalSeconds = 0 (got ${enc.keyRotationIntervalSeconds})`,
      );
    }
  } else if (
    enc.keyRotationIntervalSeconds !== undefined &&
    (!Number.isInteger(enc.keyRotationIntervalSeconds) || enc.keyRotationIntervalSeconds < 0)
  ) {
    throw new Error(`${where}: keyRotationIntervalSeconds must be a non-negative integer`);
  }
}

/** Live endpoint rules beyond encryption (MediaPackage v1 user guide "Time delay"; HLS DATERANGE needs a PDT interval). */
export function validateMp1Live(where: string, r: CheckedEndpoint): void {
  const int = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0;
  if (r.startover !== undefined && !int(r.startover))
    throw new Error(`${where}: startoverWindowSeconds must be a non-negative integer (got ${shown(r.startover)})`);
  if (r.delay !== undefined) {
    const max = r.startover ? r.startover - 1 : 86_400;
    if (!int(r.delay) || r.delay > max)
      throw new Error(
        `${where}: timeDelaySeconds must be an integer from 0 to ${max} (${r.startover ? "less than startoverWindowSeconds" : "at most 24 h without a startover window"}) (got ${shown(r.delay)})`,
      );
  }
  if (r.hls && r.type !== "HLS" && r.type !== "CMAF")
    throw new Error(`${where}: hls options need an HLS or CMAF endpoint (type is ${r.type})`);
  if (r.dash && r.type !== "DASH") throw new Error(`${where}: dash options need a DASH endpoint (type is ${r.type})`);
  if (r.mss && r.type !== "MSS") throw new Error(`${where}: mss options need an MSS endpoint (type is ${r.type})`);
  if (
    r.hls?.adMarkers === "DATERANGE" &&
    !(typeof r.hls.programDateTimeIntervalSeconds === "number" && r.hls.programDateTimeIntervalSeconds > 0)
  ) {
    throw new Error(
      `${where}: hls.adMarkers DATERANGE needs hls.programDateTimeIntervalSeconds greater than 0 (got ${shown(r.hls.programDateTimeIntervalSeconds)})`,
    );
  }
  const iv = r.enc?.constantInitializationVector;
  if (iv !== undefined) {
    if (r.type !== "HLS" && r.type !== "CMAF")
      throw new Error(`${where}: encryption.constantInitializationVector is an HLS / CMAF option (type is ${r.type})`);
    if (typeof iv !== "string" || !CONSTANT_IV_RE.test(iv))
      throw new Error(
        `${where}: encryption.constantInitializationVector must be 32 hexadecimal characters (got ${shown(iv)})`,
      );
  }
}

/**
 * A VOD packaging configuration takes a constant IV on HLS only: CloudFormation's
 * AWS::MediaPackage::PackagingConfiguration CmafEncryption has no ConstantInitializationVector (HlsEncryption has).
 */
export function checkMp1VodConfiguration(where: string, r: CheckedEndpoint): CheckedEndpoint {
  checkMp1Endpoint(where, r);
  if (r.type === "CMAF" && r.enc?.constantInitializationVector !== undefined)
    throw new Error(
      `${where}: encryption.constantInitializationVector is not available on VOD CMAF configurations (only live CMAF endpoints and HLS)`,
    );
  return r;
}

/** Every rule of one resolved endpoint or VOD configuration (type, encryption, live settings). */
export function checkMp1Endpoint(where: string, r: CheckedEndpoint): CheckedEndpoint {
  checkType(where, r.type);
  if (r.enc) validateMp1Encryption(where, r.type, r.enc);
  validateMp1Live(where, r);
  return r;
}
