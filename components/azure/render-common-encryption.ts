/**
 * The blocks a streaming policy's encrypted schemes are made of: enabled protocols, clear tracks, the default content
 * key, DRM licence settings and the ClearKey configuration, assembled into one common encryption block (cenc or cbcs).
 */
import type { ArmObject } from "../../functions/policy/ams";
import {
  DEFAULT_KEY_LABELS,
  specError,
  type CbcsSpec,
  type CencSpec,
  type ClearKeyStreamingConfig,
  type EncryptedScheme,
  type LicenseUrlConfig,
  type SchemeCommon,
  type StreamingProtocol,
} from "./render-streaming-spec";
import { validateUrlTemplate } from "./render-url-templates";

export function enabledProtocols(protocols: StreamingProtocol[], where: string, allowed: StreamingProtocol[]) {
  if (!Array.isArray(protocols) || protocols.length === 0) throw specError(`${where}: enable at least one protocol`);
  for (const p of protocols) {
    if (!allowed.includes(p)) {
      throw specError(
        p === "Download"
          ? `${where}: Download is only possible without encryption (use 'clear')`
          : `${where}: protocol ${p} is not supported here (allowed: ${allowed.join(", ")})`,
      );
    }
  }
  return {
    dash: protocols.includes("Dash"),
    download: protocols.includes("Download"),
    hls: protocols.includes("Hls"),
    smoothStreaming: protocols.includes("SmoothStreaming"),
  };
}

export function licenseConfig<T extends LicenseUrlConfig>(
  c: T | true | undefined,
  where: string,
): ArmObject | undefined {
  if (c === undefined) return undefined;
  if (c === true) return {};
  const out: ArmObject = {};
  if (c.customLicenseAcquisitionUrlTemplate !== undefined) {
    validateUrlTemplate(c.customLicenseAcquisitionUrlTemplate, `${where}.customLicenseAcquisitionUrlTemplate`);
    out.customLicenseAcquisitionUrlTemplate = c.customLicenseAcquisitionUrlTemplate;
  }
  for (const [k, v] of Object.entries(c))
    if (k !== "customLicenseAcquisitionUrlTemplate" && v !== undefined) out[k] = v;
  return out;
}

export function clearTracks(s: SchemeCommon): ArmObject {
  return s.clearTracks?.length ? { clearTracks: s.clearTracks } : {};
}

export function contentKeys(s: SchemeCommon, scheme: EncryptedScheme): ArmObject {
  return {
    defaultKey: {
      label: s.label ?? DEFAULT_KEY_LABELS[scheme],
      ...(s.contentKeyPolicyName ? { policyName: s.contentKeyPolicyName } : {}),
    },
  };
}

export function clearKeyConfig(c: ClearKeyStreamingConfig | undefined, where: string): ArmObject | undefined {
  if (!c) return undefined;
  if (c.customKeysAcquisitionUrlTemplate !== undefined)
    validateUrlTemplate(
      c.customKeysAcquisitionUrlTemplate,
      `${where}.customKeysAcquisitionUrlTemplate`,
      new Set(["{AlternativeMediaId}"]),
    );
  return c.customKeysAcquisitionUrlTemplate !== undefined
    ? { customKeysAcquisitionUrlTemplate: c.customKeysAcquisitionUrlTemplate }
    : {};
}

/**
 * One common encryption block (cenc or cbcs): clear tracks, protocols, default key, DRM licence settings (FairPlay only
 * under cbcs, the caller refuses it under cenc) and the ClearKey configuration.
 */
export function commonEncryption(
  scheme: "cenc" | "cbcs",
  s: CencSpec | CbcsSpec,
  enabledProtocols: ArmObject,
): ArmObject {
  const drm: ArmObject = {};
  const fp = scheme === "cbcs" ? licenseConfig((s as CbcsSpec).fairPlay, "cbcs.fairPlay") : undefined;
  if (fp) drm.fairPlay = { allowPersistentLicense: false, ...fp };
  const pr = licenseConfig(s.playReady, `${scheme}.playReady`);
  const wv = licenseConfig(s.widevine, `${scheme}.widevine`);
  if (pr) drm.playReady = pr;
  if (wv) drm.widevine = wv;
  const ck = clearKeyConfig(s.clearKey, `${scheme}.clearKey`);
  return {
    ...clearTracks(s),
    enabledProtocols,
    contentKeys: contentKeys(s, scheme),
    ...(Object.keys(drm).length ? { drm } : {}),
    ...(ck ? { clearKeyEncryptionConfiguration: ck } : {}),
  };
}
