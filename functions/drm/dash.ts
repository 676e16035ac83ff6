/**
 * DASH content protection signalling (ISO/IEC 23009-1, ISO/IEC 23001-7 section 11, DASH-IF IOP content protection).
 *
 * `contentProtectionDataXml`: what a CPIX `ContentProtectionData` carries (DASH-IF CPIX 2.3, ContentProtectionData;
 * AWS SPEKE v2 DRM signalling): the well-formed standalone XML that goes *inside* the MPD's ContentProtection element
 * of that DRM system, a sequence of elements each declaring its own namespace. The packager writes the
 * ContentProtection element (schemeIdUri, value, default_KID) itself.
 *
 * `contentProtectionXml`: a whole MPD `<ContentProtection>` element, for code that writes an MPD:
 * `schemeIdUri="urn:uuid:<systemId>"`, optional `value`, optional `cenc:default_KID`, then `<cenc:pssh>` (base64 box,
 * `xmlns:cenc="urn:mpeg:cenc:2013"`), `<mspr:pro>` for PlayReady (`xmlns:mspr="urn:microsoft:playready"`), and
 * `<dashif:Laurl>` (`xmlns:dashif="https://dashif.org/CPS"`) for a license URL (ClearKey in particular).
 * The element carries the MPD default namespace so it is a well-formed, namespace-correct fragment on its own.
 * Never put it in a CPIX ContentProtectionData (a packager would nest ContentProtection in ContentProtection).
 */
import { KeyplaneError } from "../errors";
import { kidToUuid } from "../keys/kid";
import { DASHIF_CLEARKEY_SCHEME, normalizeSystemId, SYSTEM_IDS } from "./systems";
import { xmlAttr, xmlText } from "../xml/strict";

/** base64 of bytes, read in place (no copy). */
function base64Of(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

export const MPD_NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";
export const CENC_NAMESPACE = "urn:mpeg:cenc:2013";
export const MSPR_NAMESPACE = "urn:microsoft:playready";
export const DASHIF_CPS_NAMESPACE = "https://dashif.org/CPS";

export interface ContentProtectionOptions {
  /** A DRM system id (UUID, `urn:uuid:` prefix allowed), e.g. SYSTEM_IDS.widevine, or the DASH-IF ClearKey scheme id. */
  systemId: string;
  pssh?: Buffer;
  /** PlayReady Object; only allowed for PlayReady. */
  pro?: Buffer;
  defaultKid?: Buffer;
  laUrl?: string;
  /** `@value`; defaults to `MSPR 2.0` for PlayReady and `ClearKey1.0` for the DASH-IF ClearKey scheme, else omitted. */
  value?: string;
}

export interface ContentProtectionDataOptions {
  /** A DRM system id (UUID, `urn:uuid:` prefix allowed); decides which children are allowed. */
  systemId: string;
  /** The PSSH box, written as `<cenc:pssh>`; its base64 text is byte for byte the `cpix:PSSH` value. */
  pssh?: Buffer;
  /** PlayReady Object (`<mspr:pro>`); only allowed for PlayReady. */
  pro?: Buffer;
  /** License URL (`<dashif:Laurl>`); only allowed for the DASH-IF ClearKey scheme. */
  laUrl?: string;
}

/**
 * The children of the MPD `<ContentProtection>` element for one DRM system, as a CPIX `ContentProtectionData` carries
 * them (before base64): `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">`, `<mspr:pro xmlns:mspr="urn:microsoft:playready">`,
 * `<dashif:Laurl xmlns:dashif="https://dashif.org/CPS">`, in that order, each element standalone (declares its own
 * namespace, no default namespace, nothing inherited from an MPD root). Never the ContentProtection element itself:
 * a packager inserting it would nest ContentProtection in ContentProtection.
 */
export function contentProtectionDataXml(o: ContentProtectionDataOptions): string {
  const id = normalizeSystemId(o.systemId);
  if (id === undefined)
    throw new KeyplaneError("SYSTEM_ID_INVALID", "Invalid DRM systemId: expected a UUID", { status: 400 });
  if (o.pro !== undefined && id !== SYSTEM_IDS.playready)
    throw new KeyplaneError("CONTENT_PROTECTION_INVALID", "mspr:pro is only valid for PlayReady", { status: 400 });
  if (o.laUrl !== undefined && `urn:uuid:${id}` !== DASHIF_CLEARKEY_SCHEME) {
    throw new KeyplaneError(
      "CONTENT_PROTECTION_INVALID",
      "dashif:Laurl is only written for the DASH-IF ClearKey scheme",
      { status: 400 },
    );
  }
  let s = "";
  if (o.pssh !== undefined) s += `<cenc:pssh xmlns:cenc="${CENC_NAMESPACE}">${base64Of(o.pssh)}</cenc:pssh>`;
  if (o.pro !== undefined) s += `<mspr:pro xmlns:mspr="${MSPR_NAMESPACE}">${base64Of(o.pro)}</mspr:pro>`;
  if (o.laUrl !== undefined)
    s += `<dashif:Laurl xmlns:dashif="${DASHIF_CPS_NAMESPACE}">${xmlText(o.laUrl)}</dashif:Laurl>`;
  if (s === "")
    throw new KeyplaneError("CONTENT_PROTECTION_INVALID", "ContentProtectionData needs a pssh, pro or Laurl", {
      status: 400,
    });
  return s;
}

export function contentProtectionXml(o: ContentProtectionOptions): string {
  const id = normalizeSystemId(o.systemId);
  if (id === undefined)
    throw new KeyplaneError("SYSTEM_ID_INVALID", "Invalid DRM systemId: expected a UUID", { status: 400 });
  const isPlayReady = id === SYSTEM_IDS.playready;
  const isClearKey = `urn:uuid:${id}` === DASHIF_CLEARKEY_SCHEME;
  if (o.pro !== undefined && !isPlayReady)
    throw new KeyplaneError("CONTENT_PROTECTION_INVALID", "mspr:pro is only valid for PlayReady", { status: 400 });
  const value = o.value ?? (isPlayReady ? "MSPR 2.0" : isClearKey ? "ClearKey1.0" : undefined);
  let attrs = ` xmlns="${MPD_NAMESPACE}" xmlns:cenc="${CENC_NAMESPACE}"`;
  if (o.pro !== undefined) attrs += ` xmlns:mspr="${MSPR_NAMESPACE}"`;
  if (o.laUrl !== undefined) attrs += ` xmlns:dashif="${DASHIF_CPS_NAMESPACE}"`;
  attrs += ` schemeIdUri="urn:uuid:${id}"`;
  if (value !== undefined) attrs += ` value="${xmlAttr(value)}"`;
  if (o.defaultKid !== undefined) attrs += ` cenc:default_KID="${kidToUuid(o.defaultKid)}"`;
  let body = "";
  if (o.pssh !== undefined) body += `<cenc:pssh>${base64Of(o.pssh)}</cenc:pssh>`;
  if (o.pro !== undefined) body += `<mspr:pro>${base64Of(o.pro)}</mspr:pro>`;
  if (o.laUrl !== undefined) body += `<dashif:Laurl>${xmlText(o.laUrl)}</dashif:Laurl>`;
  return `<ContentProtection${attrs}>${body}</ContentProtection>`;
}

/** The `urn:mpeg:dash:mp4protection:2011` element that announces the scheme and default KID. */
export function mp4ProtectionXml(o: { scheme: "cenc" | "cbcs" | "cens" | "cbc1"; defaultKid: Buffer }): string {
  if (!["cenc", "cbcs", "cens", "cbc1"].includes(o.scheme))
    throw new KeyplaneError("CONTENT_PROTECTION_INVALID", `Unknown scheme ${String(o.scheme)}`, { status: 400 });
  return `<ContentProtection xmlns="${MPD_NAMESPACE}" xmlns:cenc="${CENC_NAMESPACE}" schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="${o.scheme}" cenc:default_KID="${kidToUuid(o.defaultKid)}"></ContentProtection>`;
}
