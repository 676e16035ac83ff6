/**
 * The PlayReady Header (WRMHEADER XML, versions 4.0.0.0 to 4.3.0.0): choosing the version, writing it and reading it
 * back. Source: Microsoft "PlayReady Header Specification"
 * (learn.microsoft.com/playready/specifications/playready-header-specification).
 *
 * Rules we follow: namespace `http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader`, namespace declaration first
 * then attributes in alphabetical order, every element explicitly closed, no whitespace between elements; KID values
 * are base64 of the little-endian GUID; CHECKSUM (AESCTR only) from playready-checksum.ts.
 */
import type { Element } from "@xmldom/xmldom";
import { KeyplaneError } from "../errors";
import { assertKid, fromLittleEndianGuid, KID_LENGTH, toLittleEndianGuid } from "../keys/kid";
import { parseXmlStrict, xmlAttr, xmlText } from "../xml/strict";
import { playReadyChecksum } from "./playready-checksum";

export type PlayReadyHeaderVersion = "4.0.0.0" | "4.1.0.0" | "4.2.0.0" | "4.3.0.0";
export type PlayReadyAlgId = "AESCTR" | "AESCBC";
export type EncryptionScheme = "cenc" | "cbcs" | "cens" | "cbc1";

export const PLAYREADY_HEADER_NAMESPACE = "http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader";
export const PLAYREADY_HEADER_VERSIONS: readonly PlayReadyHeaderVersion[] = [
  "4.0.0.0",
  "4.1.0.0",
  "4.2.0.0",
  "4.3.0.0",
];

function err(code: string, message: string): KeyplaneError {
  return new KeyplaneError(code, message, { status: 400 });
}

function rank(v: PlayReadyHeaderVersion): number {
  const i = PLAYREADY_HEADER_VERSIONS.indexOf(v);
  if (i < 0) throw err("PLAYREADY_HEADER_VERSION", `Unknown PlayReady header version ${String(v)}`);
  return i;
}

/** The PlayReady ALGID for a Common Encryption scheme: CTR modes -> AESCTR, CBC modes -> AESCBC. */
export function playReadyAlgId(scheme: EncryptionScheme): PlayReadyAlgId {
  switch (scheme) {
    case "cenc":
    case "cens":
      return "AESCTR";
    case "cbcs":
    case "cbc1":
      return "AESCBC";
    default:
      throw err("PLAYREADY_SCHEME", `Unknown encryption scheme ${String(scheme)}`);
  }
}

/**
 * The lowest header version that can express the keys: cbcs/cbc1 (AESCBC) -> 4.3.0.0; more than one KID -> 4.2.0.0;
 * else 4.0.0.0. A configured version is used when it is at least that; a lower one is refused.
 */
export function chooseHeaderVersion(o: {
  scheme: EncryptionScheme;
  kidCount: number;
  configured?: PlayReadyHeaderVersion;
}): PlayReadyHeaderVersion {
  if (!Number.isInteger(o.kidCount) || o.kidCount < 1)
    throw err("PLAYREADY_HEADER_VERSION", "A PlayReady header needs at least one KID");
  const needed: PlayReadyHeaderVersion =
    playReadyAlgId(o.scheme) === "AESCBC" ? "4.3.0.0" : o.kidCount > 1 ? "4.2.0.0" : "4.0.0.0";
  if (o.configured === undefined) return needed;
  if (rank(o.configured) < rank(needed)) {
    const why = needed === "4.3.0.0" ? `scheme ${o.scheme} (AESCBC)` : `${o.kidCount} KIDs`;
    throw err(
      "PLAYREADY_HEADER_VERSION",
      `PlayReady header version ${o.configured} cannot express ${why}; ${needed} or later is required`,
    );
  }
  return o.configured;
}

export interface WrmHeaderKey {
  /** Big-endian UUID bytes. */
  kid: Buffer;
  /** The content key; when given and ALGID is AESCTR, a CHECKSUM is written. */
  key?: Buffer;
  algid: PlayReadyAlgId;
}

export interface WrmHeaderOptions {
  version: PlayReadyHeaderVersion;
  keys: WrmHeaderKey[];
  laUrl?: string;
  luiUrl?: string;
  dsId?: string;
  /** An XML fragment placed inside `<CUSTOMATTRIBUTES>`; must be well-formed, no DTD. */
  customAttributes?: string;
  /** `ONDEMAND` (4.1.0.0 and later). */
  decryptorSetup?: "ONDEMAND";
}

function checkCustomAttributes(fragment: string): string {
  parseXmlStrict(`<CUSTOMATTRIBUTES>${fragment}</CUSTOMATTRIBUTES>`, {
    maxChars: 8 * 1024,
    code: "PLAYREADY_HEADER_INVALID",
  });
  return fragment;
}

function kidAttrs(k: WrmHeaderKey, withAlgid: boolean): string {
  const value = toLittleEndianGuid(assertKid(k.kid)).toString("base64");
  let s = "";
  if (withAlgid) s += ` ALGID="${k.algid}"`;
  if (k.key !== undefined && k.algid === "AESCTR") s += ` CHECKSUM="${playReadyChecksum(k.kid, k.key)}"`;
  s += ` VALUE="${value}"`;
  return s;
}

/** Builds the WRMHEADER XML (no XML declaration, no whitespace between elements). */
export function wrmHeader(o: WrmHeaderOptions): string {
  const v = o.version;
  const r = rank(v);
  const keys = o.keys ?? [];
  if (keys.length === 0) throw err("PLAYREADY_HEADER_INVALID", "A PlayReady header needs at least one KID");
  for (const k of keys) {
    assertKid(k.kid);
    if (k.algid !== "AESCTR" && k.algid !== "AESCBC")
      throw err("PLAYREADY_HEADER_INVALID", `Unknown ALGID ${String(k.algid)}`);
    if (k.algid === "AESCBC" && r < 3)
      throw err("PLAYREADY_HEADER_VERSION", `ALGID AESCBC needs header version 4.3.0.0, not ${v}`);
  }
  if (keys.length > 1 && r < 2)
    throw err("PLAYREADY_HEADER_VERSION", `${keys.length} KIDs need header version 4.2.0.0 or later, not ${v}`);
  if (o.decryptorSetup !== undefined && o.decryptorSetup !== "ONDEMAND")
    throw err("PLAYREADY_HEADER_INVALID", "DECRYPTORSETUP must be ONDEMAND");
  if (o.decryptorSetup !== undefined && r < 1)
    throw err("PLAYREADY_HEADER_VERSION", "DECRYPTORSETUP needs header version 4.1.0.0 or later");

  let data = "";
  if (r === 0) {
    const k = keys[0]!;
    data += "<PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO>";
    data += `<KID>${toLittleEndianGuid(k.kid).toString("base64")}</KID>`;
    if (k.key !== undefined) data += `<CHECKSUM>${playReadyChecksum(k.kid, k.key)}</CHECKSUM>`;
  } else if (r === 1) {
    data += `<PROTECTINFO><KID${kidAttrs(keys[0]!, true)}></KID></PROTECTINFO>`;
  } else {
    data += `<PROTECTINFO><KIDS>${keys.map((k) => `<KID${kidAttrs(k, true)}></KID>`).join("")}</KIDS></PROTECTINFO>`;
  }
  if (o.laUrl !== undefined) data += `<LA_URL>${xmlText(o.laUrl)}</LA_URL>`;
  if (o.luiUrl !== undefined) data += `<LUI_URL>${xmlText(o.luiUrl)}</LUI_URL>`;
  if (o.dsId !== undefined) data += `<DS_ID>${xmlText(o.dsId)}</DS_ID>`;
  if (o.customAttributes !== undefined)
    data += `<CUSTOMATTRIBUTES>${checkCustomAttributes(o.customAttributes)}</CUSTOMATTRIBUTES>`;
  if (o.decryptorSetup !== undefined) data += `<DECRYPTORSETUP>${o.decryptorSetup}</DECRYPTORSETUP>`;
  return `<WRMHEADER xmlns="${PLAYREADY_HEADER_NAMESPACE}" version="${xmlAttr(v)}"><DATA>${data}</DATA></WRMHEADER>`;
}

export interface ParsedWrmHeaderKid {
  /** Big-endian UUID bytes (converted from the little-endian GUID in the header). */
  kid: Buffer;
  algid?: string;
  checksum?: string;
}

export interface ParsedWrmHeader {
  version: string;
  kids: ParsedWrmHeaderKid[];
  laUrl?: string;
  luiUrl?: string;
  dsId?: string;
  decryptorSetup?: string;
  customAttributes?: string;
}

function children(el: Element, name: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === name) out.push(n as Element);
  }
  return out;
}

function leKid(b64: string | null | undefined): Buffer {
  const b = Buffer.from((b64 ?? "").trim(), "base64");
  if (b.length !== KID_LENGTH)
    throw err("PLAYREADY_HEADER_INVALID", "A KID in the PlayReady header is not 16 bytes of base64");
  return fromLittleEndianGuid(b);
}

/** Parses WRMHEADER XML (any 4.x version) into its fields. Throws `PLAYREADY_HEADER_INVALID`. */
export function parseWrmHeader(xml: string): ParsedWrmHeader {
  const doc = parseXmlStrict(xml, { code: "PLAYREADY_HEADER_INVALID" });
  const root = doc.documentElement!;
  if (root.localName !== "WRMHEADER" || root.namespaceURI !== PLAYREADY_HEADER_NAMESPACE) {
    throw err("PLAYREADY_HEADER_INVALID", "Root element is not a PlayReady WRMHEADER");
  }
  const version = root.getAttribute("version") ?? "";
  const data = children(root, "DATA")[0];
  if (!data) throw err("PLAYREADY_HEADER_INVALID", "WRMHEADER has no DATA");
  const out: ParsedWrmHeader = { version, kids: [] };
  const text = (name: string): string | undefined => {
    const e = children(data, name)[0];
    return e ? (e.textContent ?? "") : undefined;
  };
  const pi = children(data, "PROTECTINFO")[0];
  if (version === "4.0.0.0") {
    const kid = text("KID");
    if (kid !== undefined) {
      const k: ParsedWrmHeaderKid = { kid: leKid(kid) };
      const alg = pi ? children(pi, "ALGID")[0]?.textContent : undefined;
      if (alg) k.algid = alg.trim();
      const cs = text("CHECKSUM");
      if (cs !== undefined) k.checksum = cs.trim();
      out.kids.push(k);
    }
  } else if (pi) {
    const kidEls = [...children(pi, "KID"), ...children(pi, "KIDS").flatMap((ks) => children(ks, "KID"))];
    for (const e of kidEls) {
      const k: ParsedWrmHeaderKid = { kid: leKid(e.getAttribute("VALUE")) };
      const alg = e.getAttribute("ALGID");
      if (alg) k.algid = alg;
      const cs = e.getAttribute("CHECKSUM");
      if (cs) k.checksum = cs;
      out.kids.push(k);
    }
  }
  const la = text("LA_URL");
  if (la !== undefined) out.laUrl = la;
  const lui = text("LUI_URL");
  if (lui !== undefined) out.luiUrl = lui;
  const ds = text("DS_ID");
  if (ds !== undefined) out.dsId = ds;
  const dec = text("DECRYPTORSETUP");
  if (dec !== undefined) out.decryptorSetup = dec;
  if (children(data, "CUSTOMATTRIBUTES").length > 0) {
    // the raw fragment as written (re-serialising would add namespace declarations to every child)
    const m = /<CUSTOMATTRIBUTES(?:\s[^>]*)?>([\s\S]*?)<\/CUSTOMATTRIBUTES>/.exec(xml);
    out.customAttributes = m ? m[1]! : "";
  }
  return out;
}
