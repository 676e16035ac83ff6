/**
 * CPIX request parsing: bytes -> size and content checks -> element tree (functions/xml/tree.ts: strict XML 1.0 +
 * Namespaces, no DTD, only the predefined entities, errors throw) -> the typed `CpixRequest`. Elements are matched on
 * namespace URI + local name, never on prefix; attributes are read only when they have no namespace. Structural
 * problems (unknown namespace, missing attributes, bad KIDs, too many elements) are 400s; SPEKE semantic rules and the
 * exact 422s live in speke/validate.ts.
 * Size: over 300 lines, one reader per CPIX element type (ContentKey, DRMSystem, ContentKeyPeriod, usage rule and its
 * filters, DeliveryData) beside the limits they share; split, each piece would still need all the shared helpers.
 */
import { kidFromUuid } from "../keys/kid";
import { normalizeSystemId } from "../drm/systems";
import { badRequest, tooLarge } from "./errors";
import type {
  AudioFilter,
  BitrateFilter,
  ContentKeyPeriodRequest,
  ContentKeyRequest,
  DeliveryDataRequest,
  DrmSystemRequest,
  CpixRequest,
  UsageRuleRequest,
  VideoFilter,
} from "./model";
import { NS } from "./namespaces";
import { attribute, parseXmlTree, XmlSyntaxError, type XmlElement } from "../xml/tree";

export const CPIX_MAX_BYTES = 1024 * 1024;

export interface CpixParseLimits {
  maxBytes?: number;
  /** ContentKey elements (default 64). */
  maxContentKeys?: number;
  /** DRMSystem elements per content key (default 16). */
  maxDrmSystems?: number;
  /** ContentKeyPeriod elements (default 1024). */
  maxPeriods?: number;
  /** DeliveryData elements (default 4). */
  maxDeliveryData?: number;
  /** Markup tokens (`<`) in the body, checked before parsing so the DOM stays small (default 32768). */
  maxMarkup?: number;
}

export const CPIX_MAX_MARKUP = 32768;

/** The element tree the walk below reads (namespace URI + local name, attributes without namespace, element children, text). */
type XNode = XmlElement;

/** Element nesting allowed in a request (CPIX itself needs about 10 levels; ds:Signature and extensions a few more). */
export const CPIX_MAX_DEPTH = 64;

const FORBIDDEN_MARKUP = /<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const INT_RE = /^\s*[+-]?\d{1,18}\s*$/;
const BOOL_RE = /^\s*(?:true|false|1|0)\s*$/;
/** Tested on whitespace-free text only (a pattern with `\s` on both sides of `=` backtracks quadratically). */
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const WS_RE = /\s+/g;
function isBase64(s: string): boolean {
  return B64_RE.test(s.replace(WS_RE, ""));
}
const NCNAME_RE = /^[A-Za-z_][\w.-]*$/;
const DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Bytes or text -> XML text, with the size cap and the DTD / entity ban applied before any parsing. */
export function checkCpixBody(
  body: string | Uint8Array,
  maxBytes = CPIX_MAX_BYTES,
  maxMarkup = CPIX_MAX_MARKUP,
): string {
  let text: string;
  if (typeof body === "string") {
    if (body.length > maxBytes || (body.length * 3 > maxBytes && Buffer.byteLength(body, "utf8") > maxBytes))
      throw tooLarge(maxBytes);
    text = body;
  } else {
    if (body.byteLength > maxBytes) throw tooLarge(maxBytes);
    try {
      text = DECODER.decode(body);
    } catch {
      throw badRequest("Request body is not valid UTF-8");
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) throw badRequest("Empty request body");
  if (FORBIDDEN_MARKUP.test(text)) throw badRequest("DOCTYPE and entity declarations are not allowed");
  let markup = 0;
  for (let i = text.indexOf("<"); i !== -1; i = text.indexOf("<", i + 1)) {
    if (++markup > maxMarkup) throw badRequest(`Too much markup (more than ${maxMarkup} tags)`);
  }
  return text;
}

function elements(parent: XNode): XNode[] {
  return parent.children;
}

function textOf(el: XNode): string {
  if (el.children.length > 0) throw badRequest(`Unexpected element inside ${el.localName}`);
  return el.text.trim();
}

/** An attribute in no namespace (`kid`, never `x:kid`). */
const attr = attribute;

function requiredAttr(el: XNode, name: string): string {
  const v = attr(el, name);
  if (v === undefined || v.trim() === "") throw badRequest(`Missing ${el.localName}@${name}`);
  return v.trim();
}

interface ParsedKid {
  kid: Buffer;
  kidText: string;
  kidHex: string;
}

/**
 * KIDs already parsed in the current request, by attribute text: a request names each KID in its ContentKey, every
 * DRMSystem and every usage rule. Entries of one request share the (never mutated) KID Buffer. Cleared after each
 * parse, so nothing outlives the request.
 */
const kidsInRequest = new Map<string, ParsedKid>();

function parseKidAttr(el: XNode): ParsedKid {
  const kidText = requiredAttr(el, "kid");
  const seen = kidsInRequest.get(kidText);
  if (seen !== undefined) return { kid: seen.kid, kidText, kidHex: seen.kidHex };
  let kid: Buffer;
  try {
    kid = kidFromUuid(kidText);
  } catch {
    throw badRequest(`Invalid ${el.localName}@kid: expected a UUID`);
  }
  const parsed = { kid, kidText, kidHex: kid.toString("hex") };
  kidsInRequest.set(kidText, parsed);
  return parsed;
}

function isCpix(el: XNode, name: string): boolean {
  return el.namespaceURI === NS.cpix && el.localName === name;
}

function optionalInt(el: XNode, name: string): string | undefined {
  const v = attr(el, name);
  if (v === undefined) return undefined;
  if (!INT_RE.test(v)) throw badRequest(`Invalid ${el.localName}@${name}: expected an integer`);
  return v.trim();
}

function optionalBool(el: XNode, name: string): string | undefined {
  const v = attr(el, name);
  if (v === undefined) return undefined;
  if (!BOOL_RE.test(v)) throw badRequest(`Invalid ${el.localName}@${name}: expected a boolean`);
  return v.trim();
}

/** Drops undefined properties without `delete` (which would push the object into dictionary mode). */
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

function listChildren(list: XNode, name: string, max: number, what: string): XNode[] {
  const out: XNode[] = [];
  for (const el of elements(list)) {
    if (!isCpix(el, name)) {
      if (el.namespaceURI === NS.cpix) throw badRequest(`Unexpected ${el.localName} in ${list.localName}`);
      continue; // foreign extension elements are ignored
    }
    if (out.length >= max) throw badRequest(`Too many ${what} (max ${max})`);
    out.push(el);
  }
  return out;
}

function parseContentKey(el: XNode): ContentKeyRequest {
  const { kid, kidText, kidHex } = parseKidAttr(el);
  const scheme = attr(el, "commonEncryptionScheme");
  const ivAttr = attr(el, "explicitIV");
  const explicitIV = ivAttr === undefined || ivAttr.trim() === "" ? undefined : ivAttr; // empty = absent (some v1 encoders)
  if (explicitIV !== undefined && (!isBase64(explicitIV) || Buffer.from(explicitIV, "base64").length !== 16)) {
    throw badRequest("Invalid ContentKey@explicitIV: expected base64 of 16 bytes");
  }
  let hasData = false;
  for (const c of elements(el)) {
    if (isCpix(c, "Data")) hasData = true;
  }
  return compact({
    kid,
    kidText,
    kidHex,
    id: attr(el, "id"),
    commonEncryptionScheme: scheme === undefined ? undefined : scheme.trim(),
    explicitIV: explicitIV?.replace(/\s+/g, ""),
    hasData,
  });
}

function parseDrmSystem(el: XNode): DrmSystemRequest {
  const { kid, kidText, kidHex } = parseKidAttr(el);
  const rawSystemId = requiredAttr(el, "systemId");
  const systemId = normalizeSystemId(rawSystemId);
  if (systemId === undefined) throw badRequest("Invalid DRMSystem@systemId: expected a UUID");
  const d: DrmSystemRequest = {
    kid,
    kidText,
    kidHex,
    systemId,
    pssh: false,
    contentProtectionData: false,
    uriExtXKey: false,
    hlsMedia: false,
    hlsMaster: false,
    smoothStreaming: false,
    hdsSignalingData: false,
    spekeKeyFormat: false,
    spekeKeyFormatVersions: false,
    spekeProtectionHeader: false,
  };
  const id = attr(el, "id");
  const name = attr(el, "name");
  if (id !== undefined) d.id = id;
  if (name !== undefined) d.name = name;
  for (const c of elements(el)) {
    if (c.namespaceURI === NS.cpix) {
      switch (c.localName) {
        case "PSSH": {
          if (d.pssh) throw badRequest("Duplicate DRMSystem/PSSH");
          d.pssh = true;
          const v = textOf(c);
          if (v) {
            if (!isBase64(v)) throw badRequest("Invalid DRMSystem/PSSH: expected base64");
            d.psshValue = v.replace(/\s+/g, "");
          }
          break;
        }
        case "ContentProtectionData":
          d.contentProtectionData = true;
          break;
        case "URIExtXKey":
          d.uriExtXKey = true;
          break;
        case "HLSSignalingData": {
          const playlist = (attr(c, "playlist") ?? "media").trim();
          if (playlist === "media") {
            if (d.hlsMedia) throw badRequest('Duplicate HLSSignalingData playlist="media"');
            d.hlsMedia = true;
          } else if (playlist === "master") {
            if (d.hlsMaster) throw badRequest('Duplicate HLSSignalingData playlist="master"');
            d.hlsMaster = true;
          } else throw badRequest("Invalid HLSSignalingData@playlist: expected media or master");
          break;
        }
        case "SmoothStreamingProtectionHeaderData":
          d.smoothStreaming = true;
          break;
        case "HDSSignalingData":
          d.hdsSignalingData = true;
          break;
        default:
          throw badRequest(`Unexpected ${c.localName} in DRMSystem`);
      }
    } else if (c.namespaceURI === NS.speke) {
      switch (c.localName) {
        case "KeyFormat":
          d.spekeKeyFormat = true;
          break;
        case "KeyFormatVersions":
          d.spekeKeyFormatVersions = true;
          break;
        case "ProtectionHeader":
          d.spekeProtectionHeader = true;
          break;
        default:
          throw badRequest(`Unexpected speke:${c.localName} in DRMSystem`);
      }
    }
    // other namespaces: vendor extensions, ignored
  }
  return d;
}

function parsePeriod(el: XNode): ContentKeyPeriodRequest {
  const id = attr(el, "id")?.trim();
  if (id !== undefined && !NCNAME_RE.test(id)) throw badRequest("Invalid ContentKeyPeriod@id");
  const index = optionalInt(el, "index");
  const p: ContentKeyPeriodRequest = compact({
    id,
    index: index === undefined ? undefined : Number(index),
    start: attr(el, "start")?.trim(),
    end: attr(el, "end")?.trim(),
    startOffset: attr(el, "startOffset")?.trim(),
    endOffset: attr(el, "endOffset")?.trim(),
  });
  if (p.index !== undefined && (!Number.isSafeInteger(p.index) || p.index < 0))
    throw badRequest("Invalid ContentKeyPeriod@index");
  return p;
}

function parseUsageRule(el: XNode): UsageRuleRequest {
  const { kid, kidText, kidHex } = parseKidAttr(el);
  const tt = attr(el, "intendedTrackType");
  const r: UsageRuleRequest = {
    kid,
    kidText,
    kidHex,
    keyPeriodFilters: [],
    labelFilters: [],
    videoFilters: [],
    audioFilters: [],
    bitrateFilters: [],
  };
  if (tt !== undefined) r.intendedTrackType = tt.trim();
  const ruleId = attr(el, "id");
  if (ruleId !== undefined) r.id = ruleId;
  let count = 0;
  for (const c of elements(el)) {
    if (c.namespaceURI !== NS.cpix) continue;
    if (++count > 32) throw badRequest("Too many filters in ContentKeyUsageRule (max 32)");
    switch (c.localName) {
      case "KeyPeriodFilter":
        r.keyPeriodFilters.push(requiredAttr(c, "periodId"));
        break;
      case "LabelFilter":
        r.labelFilters.push(requiredAttr(c, "label"));
        break;
      case "VideoFilter":
        r.videoFilters.push(
          compact<VideoFilter>({
            minPixels: optionalInt(c, "minPixels"),
            maxPixels: optionalInt(c, "maxPixels"),
            hdr: optionalBool(c, "hdr"),
            wcg: optionalBool(c, "wcg"),
            minFps: optionalInt(c, "minFps"),
            maxFps: optionalInt(c, "maxFps"),
          }),
        );
        break;
      case "AudioFilter":
        r.audioFilters.push(
          compact<AudioFilter>({
            minChannels: optionalInt(c, "minChannels"),
            maxChannels: optionalInt(c, "maxChannels"),
          }),
        );
        break;
      case "BitrateFilter":
        r.bitrateFilters.push(
          compact<BitrateFilter>({
            minBitrate: optionalInt(c, "minBitrate"),
            maxBitrate: optionalInt(c, "maxBitrate"),
          }),
        );
        break;
      default:
        throw badRequest(`Unexpected ${c.localName} in ContentKeyUsageRule`);
    }
  }
  return r;
}

function parseDeliveryData(el: XNode): DeliveryDataRequest {
  const key = elements(el).find((c) => isCpix(c, "DeliveryKey"));
  if (!key) throw badRequest("Missing DeliveryData/DeliveryKey");
  const x509 = elements(key).find((c) => c.namespaceURI === NS.ds && c.localName === "X509Data");
  const certEl = x509 && elements(x509).find((c) => c.namespaceURI === NS.ds && c.localName === "X509Certificate");
  if (!certEl) throw badRequest("Missing DeliveryKey/ds:X509Data/ds:X509Certificate");
  const certificate = textOf(certEl).replace(/\s+/g, "");
  if (!certificate || !isBase64(certificate)) throw badRequest("Invalid ds:X509Certificate: expected base64 DER");
  return compact({ certificate, id: attr(el, "id"), name: attr(el, "name") });
}

/** Parses a CPIX request body into the typed model. Throws KeyplaneError 400/413 on malformed input. */
export function parseCpixRequest(body: string | Uint8Array, limits: CpixParseLimits = {}): CpixRequest {
  const maxKeys = limits.maxContentKeys ?? 64;
  const maxSystems = maxKeys * (limits.maxDrmSystems ?? 16);
  const text = checkCpixBody(
    body,
    limits.maxBytes ?? CPIX_MAX_BYTES,
    limits.maxMarkup ?? Math.max(CPIX_MAX_MARKUP, maxSystems * 16),
  );
  let root: XNode;
  try {
    root = parseXmlTree(text, { maxDepth: CPIX_MAX_DEPTH });
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw badRequest(`Malformed XML: ${e.message}`);
    throw e;
  }
  try {
    return readRequest(root, limits, maxKeys, maxSystems);
  } finally {
    kidsInRequest.clear();
  }
}

function seen(req: CpixRequest, k: keyof CpixRequest["lists"], el: XNode): void {
  if (req.lists[k]) throw badRequest(`Duplicate ${el.localName}`);
  req.lists[k] = true;
}

function readRequest(root: XNode, limits: CpixParseLimits, maxKeys: number, maxSystems: number): CpixRequest {
  if (root.localName !== "CPIX" || root.namespaceURI !== NS.cpix) {
    throw badRequest(`Root element must be CPIX in namespace ${NS.cpix}`);
  }
  const req: CpixRequest = {
    contentKeys: [],
    drmSystems: [],
    periods: [],
    usageRules: [],
    deliveryData: [],
    lists: { contentKeys: false, drmSystems: false, periods: false, usageRules: false, deliveryData: false },
  };
  const id = attr(root, "id");
  const contentId = attr(root, "contentId");
  const version = attr(root, "version");
  if (id !== undefined) req.id = id;
  if (version !== undefined) req.version = version;
  if (contentId !== undefined) req.contentId = contentId;

  for (const el of elements(root)) {
    if (el.namespaceURI !== NS.cpix) {
      if (el.namespaceURI === NS.ds) continue; // ds:Signature is allowed by the schema; we do not verify or echo it
      throw badRequest(`Unknown element ${el.localName} in namespace ${el.namespaceURI ?? "(none)"}`);
    }
    switch (el.localName) {
      case "ContentKeyList":
        seen(req, "contentKeys", el);
        for (const c of listChildren(el, "ContentKey", maxKeys, "ContentKey elements"))
          req.contentKeys.push(parseContentKey(c));
        break;
      case "DRMSystemList":
        seen(req, "drmSystems", el);
        {
          const perKid = new Map<string, number>();
          const maxPerKey = limits.maxDrmSystems ?? 16;
          for (const c of listChildren(el, "DRMSystem", maxSystems, "DRMSystem elements")) {
            const d = parseDrmSystem(c);
            const h = d.kidHex;
            const n = (perKid.get(h) ?? 0) + 1;
            if (n > maxPerKey) throw badRequest(`Too many DRMSystem elements for KID ${d.kidText} (max ${maxPerKey})`);
            perKid.set(h, n);
            req.drmSystems.push(d);
          }
        }
        break;
      case "ContentKeyPeriodList":
        seen(req, "periods", el);
        for (const c of listChildren(el, "ContentKeyPeriod", limits.maxPeriods ?? 1024, "ContentKeyPeriod elements"))
          req.periods.push(parsePeriod(c));
        break;
      case "ContentKeyUsageRuleList":
        seen(req, "usageRules", el);
        for (const c of listChildren(el, "ContentKeyUsageRule", maxKeys * 4, "ContentKeyUsageRule elements"))
          req.usageRules.push(parseUsageRule(c));
        break;
      case "DeliveryDataList":
        seen(req, "deliveryData", el);
        for (const c of listChildren(el, "DeliveryData", limits.maxDeliveryData ?? 4, "DeliveryData elements"))
          req.deliveryData.push(parseDeliveryData(c));
        break;
      case "UpdateHistoryItemList":
        break;
      default:
        throw badRequest(`Unexpected ${el.localName} in CPIX`);
    }
  }
  return req;
}
