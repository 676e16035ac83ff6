/**
 * The lab's DASH content protection signalling, written into the MPD Shaka Packager produced: per AdaptationSet the
 * `urn:mpeg:dash:mp4protection:2011` descriptor (value `cenc`, `cenc:default_KID`) and one ContentProtection element
 * per DRM system whose signalling the key server returned. A CPIX `ContentProtectionData` is the XML that goes
 * *inside* that element (DASH-IF CPIX 2.3), so the lab writes the element (schemeIdUri, value) itself and puts the
 * checked children (Widevine's `cenc:pssh`, PlayReady's `cenc:pssh` + `mspr:pro`, ClearKey's `dashif:Laurl`) in it.
 * Shaka Packager's raw-key mode writes one ContentProtection per PSSH box it was given, for every AdaptationSet;
 * those are replaced by the SPEKE signalling of the key that AdaptationSet is encrypted with.
 */
import { XMLSerializer, type Element } from "@xmldom/xmldom";
import { parsePlayReadyObject } from "../../functions/drm/playready";
import { parsePssh } from "../../functions/drm/pssh";
import { KeyplaneError } from "../../functions/errors";
import { kidToUuid } from "../../functions/keys/kid";
import { parseXmlStrict, xmlAttr, xmlText } from "../../functions/xml/strict";

export const DASHIF_CLEARKEY_SCHEME = "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e";
export const MP4_PROTECTION_SCHEME = "urn:mpeg:dash:mp4protection:2011";
export const CENC_NS = "urn:mpeg:cenc:2013";
export const MSPR_NS = "urn:microsoft:playready";
export const DASHIF_CPS_NS = "https://dashif.org/CPS";

/** The signalling a key server returned for one DRM system: `DRMSystem@systemId` and the decoded ContentProtectionData. */
export interface ServerContentProtection {
  systemId: string;
  /** The XML that goes inside the ContentProtection element (not the element itself). */
  innerXml: string;
}

/** The MPD descriptor for a DRM system id the key server answers for: the `urn:uuid:` scheme and its `@value`. */
interface Descriptor {
  scheme: string;
  value?: string;
  name: string;
  children: ReadonlySet<string>;
}
const PSSH = `${CENC_NS} pssh`;
const PRO = `${MSPR_NS} pro`;
const LAURL = `${DASHIF_CPS_NS} Laurl`;
const DESCRIPTORS: ReadonlyMap<string, Descriptor> = new Map([
  [
    "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
    { scheme: "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", name: "Widevine", children: new Set([PSSH]) },
  ],
  // Microsoft "DASH Content Protection using Microsoft PlayReady": value "MSPR 2.0", cenc:pssh and/or mspr:pro
  [
    "9a04f079-9840-4286-ab92-e65be0885f95",
    {
      scheme: "urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95",
      value: "MSPR 2.0",
      name: "PlayReady",
      children: new Set([PSSH, PRO]),
    },
  ],
  [
    "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b",
    { scheme: "urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b", name: "W3C common PSSH", children: new Set([PSSH]) },
  ],
  // our key server answers Clear Key AES-128 (3ea8778f-..., AWS) with the DASH-IF ClearKey descriptor's content
  [
    "3ea8778f-7742-4bf9-b18b-e834b2acbd47",
    { scheme: DASHIF_CLEARKEY_SCHEME, value: "ClearKey1.0", name: "ClearKey", children: new Set([LAURL]) },
  ],
]);

function cpInvalid(name: string, why: string): KeyplaneError {
  return new KeyplaneError("MPD_INVALID", `ContentProtectionData for ${name} from the key server: ${why}`, {
    status: 502,
  });
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 (no whitespace inside, canonical padding) of at most `max` bytes. */
function base64Value(name: string, what: string, t: string, max: number): Buffer {
  if (!BASE64.test(t) || t.length % 4 !== 0) throw cpInvalid(name, `${what} is not base64`);
  const b = Buffer.from(t, "base64");
  if (b.length === 0 || b.length > max || b.toString("base64") !== t)
    throw cpInvalid(name, `${what} is not canonical base64 of 1 to ${max} bytes`);
  return b;
}

/**
 * Checks the inner XML of one key server ContentProtectionData and returns the ContentProtection element the lab
 * writes for it. The XML is parsed on its own (no DTD, size cap; wrapped in an element that declares no namespace,
 * so every element must declare its own, as CPIX asks of a standalone fragment) and must be nothing but the children
 * expected for that system (by namespace URI and local name: cenc:pssh, mspr:pro for PlayReady, dashif:Laurl for
 * ClearKey), each with text only and no attributes but namespace declarations; no ContentProtection element, no
 * comments, processing instructions or CDATA. A cenc:pssh must be one pssh box of the descriptor's own system.
 * The children are then re-serialised from the checked values with the MPD root's prefixes: nothing from the key
 * server is inserted verbatim.
 */
export function serverContentProtection(cp: ServerContentProtection): string {
  const id = cp.systemId
    .trim()
    .toLowerCase()
    .replace(/^urn:uuid:/, "");
  const d = DESCRIPTORS.get(id);
  if (!d)
    throw new KeyplaneError(
      "MPD_INVALID",
      `ContentProtectionData for an unexpected DRM system ${JSON.stringify(cp.systemId.slice(0, 60))}`,
      { status: 502 },
    );
  const doc = parseXmlStrict(`<cpd>${cp.innerXml.trim()}</cpd>`, {
    code: "MPD_INVALID",
    label: `ContentProtectionData for ${d.name}`,
    maxChars: 256 * 1024,
  });
  const out: string[] = [];
  for (let n = doc.documentElement!.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 3 && !/\S/.test(n.nodeValue ?? "")) continue;
    if (n.nodeType !== 1)
      throw cpInvalid(d.name, "only elements may appear (no text, comments, processing instructions or CDATA)");
    const e = n as Element;
    const key = `${e.namespaceURI ?? ""} ${e.localName}`;
    if (e.localName === "ContentProtection")
      throw cpInvalid(d.name, "it is a ContentProtection element; it must be the XML that goes inside one");
    if (!d.children.has(key)) throw cpInvalid(d.name, `unexpected element {${e.namespaceURI ?? ""}}${e.localName}`);
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i)!;
      if (a.name !== "xmlns" && !a.name.startsWith("xmlns:"))
        throw cpInvalid(d.name, `unexpected attribute ${a.name} on ${e.localName}`);
    }
    for (let c = e.firstChild; c; c = c.nextSibling)
      if (c.nodeType !== 3) throw cpInvalid(d.name, `${e.localName} must carry text only`);
    const t = (e.textContent ?? "").trim();
    if (key === PSSH) {
      const box = base64Value(d.name, "cenc:pssh", t, 256 * 1024);
      let systemId: string;
      try {
        systemId = parsePssh(box).systemId;
      } catch (err) {
        throw cpInvalid(d.name, `cenc:pssh is not one pssh box (${(err as Error).message})`);
      }
      if (`urn:uuid:${systemId}` !== d.scheme)
        throw cpInvalid(d.name, `cenc:pssh carries the box of another DRM system (${systemId})`);
      out.push(`<cenc:pssh>${box.toString("base64")}</cenc:pssh>`);
    } else if (key === PRO) {
      const pro = base64Value(d.name, "mspr:pro", t, 64 * 1024);
      try {
        parsePlayReadyObject(pro);
      } catch (err) {
        throw cpInvalid(d.name, `mspr:pro is not a PlayReady Object (${(err as Error).message})`);
      }
      out.push(`<mspr:pro>${pro.toString("base64")}</mspr:pro>`);
    } else {
      let url: URL;
      try {
        url = new URL(t);
      } catch {
        throw cpInvalid(d.name, "dashif:Laurl is not a URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw cpInvalid(d.name, "dashif:Laurl must be http(s)");
      out.push(`<dashif:Laurl>${xmlText(t)}</dashif:Laurl>`);
    }
  }
  if (out.length === 0) throw cpInvalid(d.name, "no signalling elements");
  return `<ContentProtection schemeIdUri="${d.scheme}"${d.value === undefined ? "" : ` value="${xmlAttr(d.value)}"`}>${out.join("")}</ContentProtection>`;
}

export const MPD_NS = "urn:mpeg:dash:schema:mpd:2011";

/** What one AdaptationSet (by contentType) is encrypted with and what the key server said about it. */
export interface ProtectedSet {
  contentType: "video" | "audio";
  kid: Buffer;
  /** ContentProtectionData per DRM system from the SPEKE response, in the order they are written. */
  systems: ServerContentProtection[];
}

function mpdInvalid(msg: string): KeyplaneError {
  return new KeyplaneError("MPD_INVALID", msg, { status: 502 });
}

/** The ContentProtection elements for one AdaptationSet: mp4protection (scheme, default_KID), then each system's. */
export function contentProtectionElements(
  kid: Buffer,
  scheme: "cenc" | "cbcs",
  systems: ServerContentProtection[],
): string {
  return [
    `<ContentProtection schemeIdUri="${MP4_PROTECTION_SCHEME}" value="${scheme}" cenc:default_KID="${kidToUuid(kid)}"/>`,
    ...systems.map(serverContentProtection),
  ].join("\n      ");
}

/**
 * Rewrites the content protection of Shaka Packager's MPD: every AdaptationSet named in `sets` must carry exactly
 * one mp4protection descriptor whose `cenc:default_KID` is that set's KID (what the packager encrypted with); all its
 * ContentProtection elements are replaced, in place, by `contentProtectionElements`. Everything else in the MPD is the
 * packager's. The result declares the `cenc`, `mspr` and `dashif` prefixes on the MPD element.
 */
export function protectMpd(mpdXml: string, sets: ProtectedSet[], scheme: "cenc" | "cbcs" = "cenc"): string {
  const doc = parseXmlStrict(mpdXml, { code: "MPD_INVALID", label: "the packager's MPD", maxChars: 8 * 1024 * 1024 });
  const root = doc.documentElement!;
  if (root.namespaceURI !== MPD_NS || root.localName !== "MPD") throw mpdInvalid("the packager's output is not an MPD");
  const replacements: string[] = [];
  const seen = new Set<string>();
  const adaptationSets = Array.from(root.getElementsByTagNameNS(MPD_NS, "AdaptationSet"));
  for (const as of adaptationSets) {
    const type = as.getAttribute("contentType") ?? "";
    const want = sets.find((s) => s.contentType === type);
    if (!want)
      throw mpdInvalid(`the packager wrote an AdaptationSet for ${JSON.stringify(type)}, which the lab has no key for`);
    seen.add(type);
    const cps = Array.from(as.childNodes).filter(
      (n): n is Element =>
        n.nodeType === 1 && (n as Element).localName === "ContentProtection" && (n as Element).namespaceURI === MPD_NS,
    );
    const mp4 = cps.filter((c) => c.getAttribute("schemeIdUri") === MP4_PROTECTION_SCHEME);
    if (mp4.length !== 1)
      throw mpdInvalid(`the ${type} AdaptationSet has ${mp4.length} mp4protection descriptors, expected 1`);
    const kid = mp4[0]!.getAttributeNS(CENC_NS, "default_KID")?.toLowerCase();
    if (kid !== kidToUuid(want.kid))
      throw mpdInvalid(
        `the ${type} AdaptationSet is encrypted with KID ${kid}, not the ${type} key from the key server (${kidToUuid(want.kid)})`,
      );
    const mark = doc.createComment(` keyplane-cp-${replacements.length} `);
    as.insertBefore(mark, cps[0]!);
    for (const c of cps) {
      // drop the whitespace before each removed element too, so the indentation stays tidy
      const prev = c.previousSibling;
      if (prev && prev.nodeType === 3 && !/\S/.test(prev.nodeValue ?? "") && prev !== mark) as.removeChild(prev);
      as.removeChild(c);
    }
    replacements.push(contentProtectionElements(want.kid, scheme, want.systems));
  }
  for (const s of sets)
    if (!seen.has(s.contentType)) throw mpdInvalid(`the packager's MPD has no ${s.contentType} AdaptationSet`);
  for (const [prefix, ns] of [
    ["cenc", CENC_NS],
    ["mspr", MSPR_NS],
    ["dashif", DASHIF_CPS_NS],
  ] as const) {
    const declared = root.getAttribute(`xmlns:${prefix}`);
    if (declared && declared !== ns) throw mpdInvalid(`the packager's MPD binds the prefix ${prefix} to ${declared}`);
    if (!declared) root.setAttribute(`xmlns:${prefix}`, ns);
  }
  let out = new XMLSerializer().serializeToString(doc);
  out = out.replace(/<!-- keyplane-cp-(\d+) -->/g, (_, i: string) => replacements[Number(i)]!);
  if (!out.startsWith("<?xml")) out = `<?xml version="1.0" encoding="UTF-8"?>\n${out}`;
  return out.endsWith("\n") ? out : out + "\n";
}
