/**
 * CPIX response serialisation: the response model -> XML text, by plain string concatenation in schema order
 * (CPIX 2.3 XSD: DeliveryDataList, ContentKeyList, DRMSystemList, ContentKeyPeriodList, ContentKeyUsageRuleList;
 * inside DRMSystem: PSSH, ContentProtectionData, URIExtXKey, HLSSignalingData, SmoothStreamingProtectionHeaderData,
 * then the v1 `speke:` extension elements). Fixed prefixes; v2 documents never declare the `speke` namespace and
 * never carry `CPIX@id`.
 */
import type {
  ContentKeyPeriodRequest,
  ContentKeyResponse,
  CpixResponse,
  DeliveryDataResponse,
  DrmSystemResponse,
  UsageRuleResponse,
} from "./model";
import { CPIX_ALGORITHMS } from "./encryption";
import { NS } from "./namespaces";

/** Algorithm URIs of CPIX content key encryption (DASH-IF CPIX 2.3, "Key protection"). */
const CPIX_ALGORITHM_URIS = {
  documentKey: CPIX_ALGORITHMS.aes256cbc,
  keyTransport: CPIX_ALGORITHMS.rsaOaep,
  mac: CPIX_ALGORITHMS.hmacSha512,
  contentKey: CPIX_ALGORITHMS.aes256cbc,
} as const;

const NEEDS_ESCAPE = /[&<>"\t\n\r]/;
const ESC: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Escapes a double-quoted attribute value or text (values come from parsed XML or validated config). */
export function esc(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>"\t\n\r]/g, (c) => ESC[c]!) : s;
}

function a(name: string, v: string | undefined): string {
  return v === undefined ? "" : ` ${name}="${esc(v)}"`;
}

function encryptedValue(algorithm: string, cipherValue: string): string {
  return `<pskc:EncryptedValue><enc:EncryptionMethod Algorithm="${algorithm}"/><enc:CipherData><enc:CipherValue>${cipherValue}</enc:CipherValue></enc:CipherData></pskc:EncryptedValue>`;
}

function deliveryData(d: DeliveryDataResponse): string {
  return (
    `<cpix:DeliveryData${a("id", d.id)}${a("name", d.name)}><cpix:DeliveryKey>` +
    "<ds:X509Data><ds:X509Certificate>" +
    d.certificate +
    "</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>" +
    `<cpix:DocumentKey Algorithm="${CPIX_ALGORITHM_URIS.documentKey}"><cpix:Data><pskc:Secret>` +
    encryptedValue(CPIX_ALGORITHM_URIS.keyTransport, d.encryptedDocumentKey) +
    `</pskc:Secret></cpix:Data></cpix:DocumentKey><cpix:MACMethod Algorithm="${CPIX_ALGORITHM_URIS.mac}"><cpix:Key>` +
    encryptedValue(CPIX_ALGORITHM_URIS.keyTransport, d.encryptedMacKey) +
    "</cpix:Key></cpix:MACMethod></cpix:DeliveryData>"
  );
}

function contentKey(k: ContentKeyResponse): string {
  let s = `<cpix:ContentKey${a("id", k.id)}${a("kid", k.kidText)}${a("explicitIV", k.explicitIV)}${a("commonEncryptionScheme", k.commonEncryptionScheme)}><cpix:Data><pskc:Secret>`;
  if (k.value.kind === "plain") s += `<pskc:PlainValue>${k.value.value}</pskc:PlainValue>`;
  else
    s +=
      encryptedValue(CPIX_ALGORITHM_URIS.contentKey, k.value.cipherValue) +
      `<pskc:ValueMAC>${k.value.valueMac}</pskc:ValueMAC>`;
  return s + "</pskc:Secret></cpix:Data></cpix:ContentKey>";
}

function el(tag: string, v: string | undefined): string {
  if (v === undefined) return "";
  return v === "" ? `<${tag}/>` : `<${tag}>${v}</${tag}>`;
}

function drmSystem(d: DrmSystemResponse): string {
  let s = `<cpix:DRMSystem${a("id", d.id)}${a("kid", d.kidText)}${a("systemId", d.systemId)}${a("name", d.name)}>`;
  s += el("cpix:PSSH", d.pssh);
  s += el("cpix:ContentProtectionData", d.contentProtectionData);
  s += el("cpix:URIExtXKey", d.uriExtXKey);
  if (d.hlsMedia !== undefined) s += `<cpix:HLSSignalingData playlist="media">${d.hlsMedia}</cpix:HLSSignalingData>`;
  if (d.hlsMaster !== undefined) s += `<cpix:HLSSignalingData playlist="master">${d.hlsMaster}</cpix:HLSSignalingData>`;
  s += el("cpix:SmoothStreamingProtectionHeaderData", d.smoothStreaming);
  s += el("speke:KeyFormat", d.spekeKeyFormat);
  s += el("speke:KeyFormatVersions", d.spekeKeyFormatVersions);
  s += el("speke:ProtectionHeader", d.spekeProtectionHeader);
  return s + "</cpix:DRMSystem>";
}

function period(p: ContentKeyPeriodRequest): string {
  return (
    `<cpix:ContentKeyPeriod${a("id", p.id)}${a("index", p.index === undefined ? undefined : String(p.index))}` +
    `${a("start", p.start)}${a("end", p.end)}${a("startOffset", p.startOffset)}${a("endOffset", p.endOffset)}/>`
  );
}

function usageRule(r: UsageRuleResponse): string {
  let s = `<cpix:ContentKeyUsageRule${a("id", r.id)}${a("kid", r.kidText)}${a("intendedTrackType", r.intendedTrackType)}>`;
  for (const id of r.keyPeriodFilters) s += `<cpix:KeyPeriodFilter periodId="${esc(id)}"/>`;
  for (const l of r.labelFilters) s += `<cpix:LabelFilter label="${esc(l)}"/>`;
  for (const v of r.videoFilters) {
    s += `<cpix:VideoFilter${a("minPixels", v.minPixels)}${a("maxPixels", v.maxPixels)}${a("hdr", v.hdr)}${a("wcg", v.wcg)}${a("minFps", v.minFps)}${a("maxFps", v.maxFps)}/>`;
  }
  for (const v of r.audioFilters)
    s += `<cpix:AudioFilter${a("minChannels", v.minChannels)}${a("maxChannels", v.maxChannels)}/>`;
  for (const v of r.bitrateFilters)
    s += `<cpix:BitrateFilter${a("minBitrate", v.minBitrate)}${a("maxBitrate", v.maxBitrate)}/>`;
  return s + "</cpix:ContentKeyUsageRule>";
}

const ROOT_NS_V2 = ` xmlns:cpix="${NS.cpix}" xmlns:pskc="${NS.pskc}" xmlns:enc="${NS.enc}" xmlns:ds="${NS.ds}"`;
const ROOT_NS_V1 = `${ROOT_NS_V2} xmlns:speke="${NS.speke}"`;

/** Serialises a CPIX response document (UTF-8 text with an XML declaration). */
export function buildCpixResponse(r: CpixResponse): string {
  const v1 = r.spekeV1;
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<cpix:CPIX${v1 ? ROOT_NS_V1 : ROOT_NS_V2}`;
  if (v1) s += a("id", r.id);
  s += a("contentId", r.contentId) + a("version", r.version) + ">";
  if (r.deliveryData.length > 0) {
    s += "<cpix:DeliveryDataList>";
    for (const d of r.deliveryData) s += deliveryData(d);
    s += "</cpix:DeliveryDataList>";
  }
  s += "<cpix:ContentKeyList>";
  for (const k of r.contentKeys) s += contentKey(k);
  s += "</cpix:ContentKeyList><cpix:DRMSystemList>";
  for (const d of r.drmSystems) s += drmSystem(d);
  s += "</cpix:DRMSystemList>";
  if (r.lists.periods) {
    s += "<cpix:ContentKeyPeriodList>";
    for (const p of r.periods) s += period(p);
    s += "</cpix:ContentKeyPeriodList>";
  }
  if (r.lists.usageRules) {
    s += "<cpix:ContentKeyUsageRuleList>";
    for (const u of r.usageRules) s += usageRule(u);
    s += "</cpix:ContentKeyUsageRuleList>";
  }
  return s + "</cpix:CPIX>";
}
