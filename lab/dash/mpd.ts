/**
 * Our DASH MPD writer (static, ISO/IEC 23009-1 SegmentTemplate + SegmentTimeline) with Common Encryption signalling:
 * `urn:mpeg:dash:mp4protection:2011` value `cenc` with `cenc:default_KID`, the DASH-IF ClearKey scheme with
 * `dashif:Laurl`, and one ContentProtection element per DRM system whose signalling the key server returned: a CPIX
 * `ContentProtectionData` is the XML that goes *inside* that element (DASH-IF CPIX 2.3), so the lab writes the
 * element (schemeIdUri, value) itself and puts the checked children (e.g. Widevine's `cenc:pssh`) in it.
 */
import type { Element } from "@xmldom/xmldom";
import { parsePlayReadyObject } from "../../functions/drm/playready";
import { parsePssh } from "../../functions/drm/pssh";
import { KeyplaneError } from "../../functions/errors";
import { kidToUuid } from "../../functions/keys/kid";
import { parseXmlStrict, xmlAttr, xmlText } from "../../functions/xml/strict";
import type { TrackInfo } from "../mp4/track";

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

export interface TimelineEntry { t: number; d: number }

export interface DashRepresentation {
  id: string;
  track: TrackInfo;
  kid: Buffer;
  bandwidth: number;
  /** relative to the MPD, e.g. `video/init.mp4` and `video/seg-$Number$.m4s` */
  initialization: string;
  media: string;
  timeline: TimelineEntry[];
  /** ContentProtectionData from the SPEKE response, checked and wrapped in a ContentProtection element per system. */
  extraContentProtection?: ServerContentProtection[];
}

export interface MpdOptions {
  durationSec: number;
  representations: DashRepresentation[];
  /** ClearKey license URL written as dashif:Laurl (our `/clearkey`). */
  clearKeyLaUrl: string;
}

export function isoDuration(sec: number): string {
  return `PT${(Math.round(sec * 1000) / 1000).toFixed(3)}S`;
}

function timelineXml(tl: TimelineEntry[]): string {
  const runs: { t: number; d: number; r: number }[] = [];
  let expected = -1;
  for (const e of tl) {
    const last = runs[runs.length - 1];
    if (last && last.d === e.d && e.t === expected) last.r++;
    else runs.push({ t: e.t, d: e.d, r: 0 });
    expected = e.t + e.d;
  }
  return runs.map((r, i) => `<S${i === 0 || tl.length === 0 ? ` t="${r.t}"` : ""} d="${r.d}"${r.r ? ` r="${r.r}"` : ""}/>`).join("");
}

/** The MPD descriptor for a DRM system id the key server answers for: the `urn:uuid:` scheme and its `@value`. */
interface Descriptor { scheme: string; value?: string; name: string; children: ReadonlySet<string> }
const PSSH = `${CENC_NS} pssh`;
const PRO = `${MSPR_NS} pro`;
const LAURL = `${DASHIF_CPS_NS} Laurl`;
const DESCRIPTORS: ReadonlyMap<string, Descriptor> = new Map([
  ["edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", { scheme: "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", name: "Widevine", children: new Set([PSSH]) }],
  // Microsoft "DASH Content Protection using Microsoft PlayReady": value "MSPR 2.0", cenc:pssh and/or mspr:pro
  ["9a04f079-9840-4286-ab92-e65be0885f95", { scheme: "urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95", value: "MSPR 2.0", name: "PlayReady", children: new Set([PSSH, PRO]) }],
  ["1077efec-c0b2-4d02-ace3-3c1e52e2fb4b", { scheme: "urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b", name: "W3C common PSSH", children: new Set([PSSH]) }],
  // our key server answers Clear Key AES-128 (3ea8778f-..., AWS) with the DASH-IF ClearKey descriptor's content
  ["3ea8778f-7742-4bf9-b18b-e834b2acbd47", { scheme: DASHIF_CLEARKEY_SCHEME, value: "ClearKey1.0", name: "ClearKey", children: new Set([LAURL]) }],
]);

function cpInvalid(name: string, why: string): KeyplaneError {
  return new KeyplaneError("MPD_INVALID", `ContentProtectionData for ${name} from the key server: ${why}`, { status: 502 });
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict base64 (no whitespace inside, canonical padding) of at most `max` bytes. */
function base64Value(name: string, what: string, t: string, max: number): Buffer {
  if (!BASE64.test(t) || t.length % 4 !== 0) throw cpInvalid(name, `${what} is not base64`);
  const b = Buffer.from(t, "base64");
  if (b.length === 0 || b.length > max || b.toString("base64") !== t) throw cpInvalid(name, `${what} is not canonical base64 of 1 to ${max} bytes`);
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
  const id = cp.systemId.trim().toLowerCase().replace(/^urn:uuid:/, "");
  const d = DESCRIPTORS.get(id);
  if (!d) throw new KeyplaneError("MPD_INVALID", `ContentProtectionData for an unexpected DRM system ${JSON.stringify(cp.systemId.slice(0, 60))}`, { status: 502 });
  const doc = parseXmlStrict(`<cpd>${cp.innerXml.trim()}</cpd>`, { code: "MPD_INVALID", label: `ContentProtectionData for ${d.name}`, maxChars: 256 * 1024 });
  const out: string[] = [];
  for (let n = doc.documentElement!.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 3 && !/\S/.test(n.nodeValue ?? "")) continue;
    if (n.nodeType !== 1) throw cpInvalid(d.name, "only elements may appear (no text, comments, processing instructions or CDATA)");
    const e = n as Element;
    const key = `${e.namespaceURI ?? ""} ${e.localName}`;
    if (e.localName === "ContentProtection") throw cpInvalid(d.name, "it is a ContentProtection element; it must be the XML that goes inside one");
    if (!d.children.has(key)) throw cpInvalid(d.name, `unexpected element {${e.namespaceURI ?? ""}}${e.localName}`);
    for (let i = 0; i < e.attributes.length; i++) {
      const a = e.attributes.item(i)!;
      if (a.name !== "xmlns" && !a.name.startsWith("xmlns:")) throw cpInvalid(d.name, `unexpected attribute ${a.name} on ${e.localName}`);
    }
    for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType !== 3) throw cpInvalid(d.name, `${e.localName} must carry text only`);
    const t = (e.textContent ?? "").trim();
    if (key === PSSH) {
      const box = base64Value(d.name, "cenc:pssh", t, 256 * 1024);
      let systemId: string;
      try { systemId = parsePssh(box).systemId; } catch (err) { throw cpInvalid(d.name, `cenc:pssh is not one pssh box (${(err as Error).message})`); }
      if (`urn:uuid:${systemId}` !== d.scheme) throw cpInvalid(d.name, `cenc:pssh carries the box of another DRM system (${systemId})`);
      out.push(`<cenc:pssh>${box.toString("base64")}</cenc:pssh>`);
    } else if (key === PRO) {
      const pro = base64Value(d.name, "mspr:pro", t, 64 * 1024);
      try { parsePlayReadyObject(pro); } catch (err) { throw cpInvalid(d.name, `mspr:pro is not a PlayReady Object (${(err as Error).message})`); }
      out.push(`<mspr:pro>${pro.toString("base64")}</mspr:pro>`);
    } else {
      let url: URL;
      try { url = new URL(t); } catch { throw cpInvalid(d.name, "dashif:Laurl is not a URL"); }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw cpInvalid(d.name, "dashif:Laurl must be http(s)");
      out.push(`<dashif:Laurl>${xmlText(t)}</dashif:Laurl>`);
    }
  }
  if (out.length === 0) throw cpInvalid(d.name, "no signalling elements");
  return `<ContentProtection schemeIdUri="${d.scheme}"${d.value === undefined ? "" : ` value="${xmlAttr(d.value)}"`}>${out.join("")}</ContentProtection>`;
}

export function contentProtectionElements(kid: Buffer, laUrl: string, extra: ServerContentProtection[] = []): string {
  const cps = [
    `<ContentProtection schemeIdUri="${MP4_PROTECTION_SCHEME}" value="cenc" cenc:default_KID="${kidToUuid(kid)}"/>`,
    `<ContentProtection schemeIdUri="${DASHIF_CLEARKEY_SCHEME}" value="ClearKey1.0"><dashif:Laurl>${xmlText(laUrl)}</dashif:Laurl></ContentProtection>`,
  ];
  for (const x of extra) cps.push(serverContentProtection(x));
  return cps.join("\n      ");
}

export function writeMpd(o: MpdOptions): string {
  const sets = ["video", "audio"].map((kind) => {
    const reps = o.representations.filter((r) => r.track.kind === kind);
    if (reps.length === 0) return "";
    const first = reps[0]!;
    const mime = kind === "video" ? "video/mp4" : "audio/mp4";
    const repXml = reps.map((r) => {
      const attrs = [`id="${xmlAttr(r.id)}"`, `bandwidth="${Math.max(1, Math.round(r.bandwidth))}"`, `codecs="${xmlAttr(r.track.codecs)}"`];
      if (kind === "video") attrs.push(`width="${r.track.width}"`, `height="${r.track.height}"`);
      else attrs.push(`audioSamplingRate="${r.track.sampleRate}"`);
      const ch = kind === "audio" ? `\n        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${r.track.channels}"/>` : "";
      return `      <Representation ${attrs.join(" ")}>${ch}
        <SegmentTemplate timescale="${r.track.timescale}" initialization="${xmlAttr(r.initialization)}" media="${xmlAttr(r.media)}" startNumber="1">
          <SegmentTimeline>${timelineXml(r.timeline)}</SegmentTimeline>
        </SegmentTemplate>
      </Representation>`;
    }).join("\n");
    return `    <AdaptationSet contentType="${kind}" mimeType="${mime}" segmentAlignment="true" startWithSAP="1"${kind === "audio" ? ` lang="und"` : ""}>
      ${contentProtectionElements(first.kid, o.clearKeyLaUrl, first.extraContentProtection)}
${repXml}
    </AdaptationSet>`;
  }).filter(Boolean).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" xmlns:dashif="https://dashif.org/CPS" xmlns:mspr="urn:microsoft:playready" type="static" profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S" mediaPresentationDuration="${isoDuration(o.durationSec)}">
  <Period id="0" start="PT0S">
${sets}
  </Period>
</MPD>
`;
}
