/**
 * SPEKE semantic rules over the typed request: the exact v2 422s first (in the order AWS documents them), then 400s
 * with a reason for every other inconsistency. Pure: no XML, no keys.
 */
import { drmSystemName, type DrmSystemName } from "../drm/systems";
import { badRequest } from "../cpix/errors";
import { SPEKE_422, unprocessable } from "./errors";
import { CPIX_VERSION_FOR, type SpekeRequest } from "./request";

export const COMMON_ENCRYPTION_SCHEMES: readonly string[] = ["cenc", "cbc1", "cens", "cbcs"];

/** Track types used by the SPEKE v2 encryption contract presets (plus the generic VIDEO / AUDIO of preset 1). */
export const INTENDED_TRACK_TYPES: ReadonlySet<string> = new Set([
  "ALL",
  "VIDEO",
  "AUDIO",
  "SD",
  "HD",
  "HD1",
  "HD2",
  "UHD",
  "UHD1",
  "UHD2",
  "SD+HD1",
  "STEREO_AUDIO",
  "MULTICHANNEL_AUDIO",
  "MULTICHANNEL_AUDIO_3_6",
  "MULTICHANNEL_AUDIO_7",
]);

const TRACK_TYPE_RE = /^[A-Z0-9][A-Z0-9_+-]{0,39}$/;

/** DRM systems we can fill; anything else (Irdeto, unknown ids) is refused rather than echoed empty. */
export const SUPPORTED_SYSTEMS: ReadonlySet<DrmSystemName> = new Set([
  "widevine",
  "playready",
  "fairplay",
  "clearKeyAes128",
  "hlsAes128",
  "w3cCommon",
]);

export const MAX_CONTENT_ID = 1024;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Throws the first SPEKE violation as a KeyplaneError (422 exact strings, else 400). */
export function validateSpekeRequest(req: SpekeRequest): void {
  const v2 = req.spekeVersion !== "1.0";
  if (v2) {
    if (req.contentId === undefined || req.contentId.trim() === "") throw unprocessable(SPEKE_422.missingContentId);
    if (req.version === undefined || req.version.trim() === "") throw unprocessable(SPEKE_422.missingVersion);
    if (req.version.trim() !== CPIX_VERSION_FOR[req.spekeVersion as "2.0" | "2.1"])
      throw unprocessable(SPEKE_422.unsupportedVersion);
    for (const k of req.contentKeys) {
      if (k.commonEncryptionScheme === undefined || k.commonEncryptionScheme === "")
        throw unprocessable(SPEKE_422.missingScheme(k.kidText));
    }
    const schemes = new Set(req.contentKeys.map((k) => k.commonEncryptionScheme));
    if (schemes.size > 1) throw unprocessable(SPEKE_422.schemeCombination);
  }
  if (req.contentId !== undefined && (req.contentId.length > MAX_CONTENT_ID || !isWellFormed(req.contentId))) {
    throw badRequest(`CPIX content id must be well-formed text of at most ${MAX_CONTENT_ID} characters`);
  }
  for (const k of req.contentKeys) {
    if (k.commonEncryptionScheme !== undefined && !COMMON_ENCRYPTION_SCHEMES.includes(k.commonEncryptionScheme)) {
      throw badRequest(
        `Invalid ContentKey@commonEncryptionScheme for KID ${k.kidText}: expected cenc, cbc1, cens or cbcs`,
      );
    }
  }

  if (!req.lists.contentKeys || req.contentKeys.length === 0) throw badRequest("Missing ContentKeyList or ContentKey");
  if (!req.lists.drmSystems || req.drmSystems.length === 0) throw badRequest("Missing DRMSystemList or DRMSystem");
  if (v2 && (!req.lists.usageRules || req.usageRules.length === 0))
    throw badRequest("Missing ContentKeyUsageRuleList or ContentKeyUsageRule");

  const keys = new Map<string, SpekeRequest["contentKeys"][number]>();
  for (const k of req.contentKeys) {
    const h = k.kidHex;
    if (keys.has(h)) throw badRequest(`Duplicate ContentKey@kid ${k.kidText}`);
    keys.set(h, k);
  }

  const perKey = new Map<string, Set<string>>();
  for (const d of req.drmSystems) {
    const key = keys.get(d.kidHex);
    if (!key) throw badRequest(`DRMSystem@kid ${d.kidText} does not match any ContentKey`);
    const name = drmSystemName(d.systemId);
    if (!name || !SUPPORTED_SYSTEMS.has(name)) throw badRequest(`Unsupported DRMSystem@systemId ${d.systemId}`);
    const seen = perKey.get(d.kidHex) ?? new Set<string>();
    if (seen.has(d.systemId)) throw badRequest(`Duplicate DRMSystem ${d.systemId} for KID ${d.kidText}`);
    seen.add(d.systemId);
    perKey.set(d.kidHex, seen);
    if (name === "fairplay" && key.commonEncryptionScheme !== undefined && key.commonEncryptionScheme !== "cbcs") {
      throw badRequest(
        `FairPlay requires commonEncryptionScheme cbcs; KID ${key.kidText} uses ${key.commonEncryptionScheme}`,
      );
    }
    if (v2 && (d.spekeKeyFormat || d.spekeKeyFormatVersions || d.spekeProtectionHeader)) {
      throw badRequest("speke: elements are SPEKE v1 only; remove them or drop the X-Speke-Version header");
    }
    if (d.hdsSignalingData) throw badRequest("HDSSignalingData is not supported");
  }

  const periodIds = new Set<string>();
  for (const p of req.periods) {
    if (p.id !== undefined) {
      if (periodIds.has(p.id)) throw badRequest(`Duplicate ContentKeyPeriod@id ${p.id}`);
      periodIds.add(p.id);
    }
    if ((p.startOffset !== undefined || p.endOffset !== undefined) && req.spekeVersion !== "2.1") {
      throw badRequest("ContentKeyPeriod@startOffset/@endOffset require SPEKE 2.1 (X-Speke-Version: 2.1, CPIX 2.4)");
    }
    if (p.index === undefined && p.start === undefined && p.startOffset === undefined) {
      throw badRequest("ContentKeyPeriod needs index, start or startOffset");
    }
    if (p.start !== undefined && p.end !== undefined && !(Date.parse(p.start) < Date.parse(p.end))) {
      throw badRequest("ContentKeyPeriod@start must be a dateTime before @end");
    }
    if (p.startOffset !== undefined && !/^\d{1,15}$/.test(p.startOffset))
      throw badRequest("Invalid ContentKeyPeriod@startOffset");
    if (p.endOffset !== undefined && !/^\d{1,15}$/.test(p.endOffset))
      throw badRequest("Invalid ContentKeyPeriod@endOffset");
    if (p.startOffset !== undefined && p.endOffset !== undefined && !(Number(p.startOffset) < Number(p.endOffset))) {
      throw badRequest("ContentKeyPeriod@startOffset must be before @endOffset");
    }
    for (const t of [p.start, p.end])
      if (t !== undefined && Number.isNaN(Date.parse(t))) throw badRequest("Invalid ContentKeyPeriod dateTime");
  }

  const all = req.usageRules.filter((r) => r.intendedTrackType === "ALL").length;
  if (all > 0 && req.usageRules.some((r) => r.intendedTrackType !== undefined && r.intendedTrackType !== "ALL")) {
    throw badRequest("intendedTrackType ALL (preset SHARED) cannot be mixed with other track types");
  }
  const ruled = new Set<string>();
  for (const r of req.usageRules) {
    if (!keys.has(r.kidHex)) throw badRequest(`ContentKeyUsageRule@kid ${r.kidText} does not match any ContentKey`);
    ruled.add(r.kidHex);
    const tt = r.intendedTrackType;
    if (v2) {
      if (tt === undefined || tt === "")
        throw badRequest(`Missing ContentKeyUsageRule@intendedTrackType for KID ${r.kidText}`);
      // Known preset track types pass; other well-formed names are accepted (encoders add types over time).
      if (!INTENDED_TRACK_TYPES.has(tt) && !TRACK_TYPE_RE.test(tt))
        throw badRequest(`Invalid intendedTrackType ${tt.slice(0, 40)}`);
      // The v2 encryption contract says which tracks a key encrypts through its VideoFilter / AudioFilter (AWS SPEKE v2
      // "Encryption contract"; a rule with neither, e.g. only a KeyPeriodFilter, matches every track and breaks the
      // one-key-per-track-class contract). AWS's exact 422 bodies (SPEKE_422 in errors.ts, AWS SPEKE v2 / MediaPackage
      // "Error responses") name no string for this case, so it is a 400 with a reason, like every other malformed
      // request here; inventing a 422 body would suggest an AWS-defined error. Every v2 sample request in
      // shared/conformance carries a filter in each rule; v1 rules have none and are not checked.
      if (r.videoFilters.length === 0 && r.audioFilters.length === 0) {
        throw badRequest(
          `ContentKeyUsageRule for KID ${r.kidText} has neither a VideoFilter nor an AudioFilter (SPEKE v2 encryption contract)`,
        );
      }
    }
    if (tt !== "ALL" && r.videoFilters.length > 0 && r.audioFilters.length > 0) {
      throw badRequest(
        `ContentKeyUsageRule for KID ${r.kidText} has both a VideoFilter and an AudioFilter (only intendedTrackType ALL may)`,
      );
    }
    for (const id of r.keyPeriodFilters) {
      if (!periodIds.has(id))
        throw badRequest(`KeyPeriodFilter@periodId ${id.slice(0, 80)} does not match any ContentKeyPeriod`);
    }
  }
  if (v2) {
    for (const [h, k] of keys)
      if (!ruled.has(h)) throw badRequest(`ContentKey ${k.kidText} has no ContentKeyUsageRule`);
  }
}
