/**
 * MPD writer: ISO/IEC 23009-1 SegmentTimeline (S@t, @d, @r = repeat count), xs:duration, and the content protection
 * signalling DOMAIN/DASH-IF IOP name: mp4protection + cenc:default_KID (urn:mpeg:cenc:2013) and the DASH-IF ClearKey
 * scheme urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e with dashif:Laurl (https://dashif.org/CPS).
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { execFileSync } from "node:child_process";
import { isoDuration, writeMpd, type DashRepresentation } from "../../../lab/dash/mpd";
import type { TrackInfo } from "../../../lab/mp4/track";

const video: TrackInfo = { trackId: 1, kind: "video", timescale: 12288, format: "avc1", codecs: "avc1.4d401e", nalLengthSize: 4, defaultSampleDuration: 0, defaultSampleSize: 0, width: 640, height: 360 };
const MPD = "urn:mpeg:dash:schema:mpd:2011";
/** xmllint (libxml2) well-formedness and namespace check of a whole MPD: "" when clean. */
function lint(xml: string): string {
  try { execFileSync("xmllint", ["--noout", "--nonet", "-"], { input: xml, stdio: "pipe" }); return ""; } catch (e) { return String((e as { stderr?: Buffer }).stderr ?? e); }
}
const KID = Buffer.from("0f083e4eb8314a3d917ece78076e54aa", "hex");

function rep(over: Partial<DashRepresentation> = {}): DashRepresentation {
  return { id: "video", track: video, kid: KID, bandwidth: 1000.4, initialization: "video/init.mp4", media: "video/seg-$Number$.m4s",
    timeline: [{ t: 0, d: 24576 }, { t: 24576, d: 24576 }, { t: 49152, d: 24576 }, { t: 73728, d: 12288 }], ...over };
}

describe("lab/dash/mpd", () => {
  it("writes cenc + default_KID, ClearKey Laurl and a compact SegmentTimeline", () => {
    const xml = writeMpd({ durationSec: 7, representations: [rep()], clearKeyLaUrl: "http://127.0.0.1:8787/clearkey?a=1&b=2" });
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const root = doc.documentElement!;
    assert.equal(root.getAttribute("type"), "static");
    assert.equal(root.getAttribute("mediaPresentationDuration"), "PT7.000S");
    const cps = Array.from(doc.getElementsByTagNameNS("urn:mpeg:dash:schema:mpd:2011", "ContentProtection"));
    assert.equal(cps[0]!.getAttribute("value"), "cenc");
    assert.equal(cps[0]!.getAttributeNS("urn:mpeg:cenc:2013", "default_KID"), "0f083e4e-b831-4a3d-917e-ce78076e54aa");
    assert.equal(cps[1]!.getAttribute("schemeIdUri"), "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e");
    assert.equal(cps[1]!.getElementsByTagNameNS("https://dashif.org/CPS", "Laurl")[0]!.textContent, "http://127.0.0.1:8787/clearkey?a=1&b=2");
    const s = Array.from(doc.getElementsByTagNameNS("urn:mpeg:dash:schema:mpd:2011", "S")).map((e) => [e.getAttribute("t"), e.getAttribute("d"), e.getAttribute("r")]);
    assert.deepEqual(s, [["0", "24576", "2"], [null, "12288", null]]);
    const r = doc.getElementsByTagNameNS("urn:mpeg:dash:schema:mpd:2011", "Representation")[0]!;
    assert.equal(r.getAttribute("bandwidth"), "1000");
    assert.equal(r.getAttribute("codecs"), "avc1.4d401e");
  });

  // DASH-IF CPIX 2.3: ContentProtectionData is the XML inside the ContentProtection element; the MPD writer writes
  // the element (urn:uuid scheme, MSPR 2.0 for PlayReady per Microsoft's DASH PlayReady spec) around it.
  const WV = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
  const PR = "9a04f079-9840-4286-ab92-e65be0885f95";
  const box = (systemId: string, data: Buffer = Buffer.alloc(0)): string => {
    // ISO/IEC 23001-7 pssh box, version 0, written by hand: size, 'pssh', version+flags, SystemID, DataSize, Data
    const b = Buffer.alloc(32 + data.length);
    b.writeUInt32BE(b.length, 0); b.write("pssh", 4, "latin1"); Buffer.from(systemId.replace(/-/g, ""), "hex").copy(b, 12);
    b.writeUInt32BE(data.length, 28); data.copy(b, 32);
    return b.toString("base64");
  };
  const pro = (() => { const b = Buffer.alloc(10); b.writeUInt32LE(10, 0); b.writeUInt16LE(1, 4); b.writeUInt16LE(1, 6); return b.toString("base64"); })();
  const mpd = (extra: DashRepresentation["extraContentProtection"]) => writeMpd({ durationSec: 1, representations: [rep({ extraContentProtection: extra })], clearKeyLaUrl: "http://x/clearkey" });
  const cpsOf = (xml: string) => Array.from(new DOMParser().parseFromString(xml, "text/xml").getElementsByTagNameNS(MPD, "ContentProtection"));

  it("wraps the key server's ContentProtectionData in its own ContentProtection element (no nesting)", () => {
    const wvBox = box(WV, Buffer.from([8, 1]));
    const prBox = box(PR, Buffer.from(pro, "base64"));
    const xml = mpd([
      { systemId: WV, innerXml: `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${wvBox}</cenc:pssh>` },
      { systemId: PR.toUpperCase(), innerXml: `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${prBox}</cenc:pssh>\n<mspr:pro xmlns:mspr="urn:microsoft:playready">${pro}</mspr:pro>` },
    ]);
    assert.equal(lint(xml), "");
    const cps = cpsOf(xml);
    assert.equal(cps.length, 4);
    for (const cp of cps) assert.equal(cp.getElementsByTagNameNS(MPD, "ContentProtection").length, 0, "no nested ContentProtection");
    assert.equal(cps[2]!.getAttribute("schemeIdUri"), `urn:uuid:${WV}`);
    assert.deepEqual(Array.from(cps[2]!.childNodes).map((n) => [n.namespaceURI, n.localName, n.textContent]), [["urn:mpeg:cenc:2013", "pssh", wvBox]]);
    assert.equal(cps[3]!.getAttribute("schemeIdUri"), `urn:uuid:${PR}`);
    assert.equal(cps[3]!.getAttribute("value"), "MSPR 2.0");
    assert.deepEqual(Array.from(cps[3]!.childNodes).map((n) => [n.namespaceURI, n.localName, n.textContent]),
      [["urn:mpeg:cenc:2013", "pssh", prBox], ["urn:microsoft:playready", "pro", pro]]);
  });

  it("refuses ContentProtectionData that is not exactly the expected inner elements", () => {
    const pssh = (t: string) => `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${t}</cenc:pssh>`;
    const bad: [string, string, RegExp][] = [
      // the old shape: a whole ContentProtection element
      [WV, `<ContentProtection xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" schemeIdUri="urn:uuid:${WV}">${pssh(box(WV))}</ContentProtection>`, /ContentProtection element/],
      [WV, `<cenc:pssh>${box(WV)}</cenc:pssh>`, /well-formed/], // prefix not declared on the element itself
      [WV, "<cenc:pssh xmlns:cenc='urn:mpeg:cenc:2013'><oops></cenc:pssh>", /well-formed/],
      [WV, `<!DOCTYPE x [<!ENTITY e "x">]>${pssh(box(WV))}`, /DTD/],
      [WV, `<mspr:pro xmlns:mspr="urn:microsoft:playready">${pro}</mspr:pro>`, /unexpected element/],
      [WV, `<cenc:pssh xmlns:cenc="urn:other">${box(WV)}</cenc:pssh>`, /unexpected element/],
      [WV, `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013" foo="1">${box(WV)}</cenc:pssh>`, /unexpected attribute/],
      [WV, `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013"><b/>${box(WV)}</cenc:pssh>`, /text only/],
      [WV, `${pssh(box(WV))}<!-- hi -->`, /only elements/],
      [WV, `${pssh(box(WV))}junk`, /only elements/],
      [WV, pssh("not base64!"), /not base64/],
      [WV, pssh(box(PR)), /another DRM system/],
      [WV, pssh(Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")), /not one pssh box/],
      [PR, `<mspr:pro xmlns:mspr="urn:microsoft:playready">AAAA</mspr:pro>`, /not a PlayReady Object/],
      ["1077efec-c0b2-4d02-ace3-3c1e52e2fb4b", "", /no signalling elements/],
      ["80a6be7e-1448-4c37-9e70-d5aebe04c8d2", pssh(box("80a6be7e-1448-4c37-9e70-d5aebe04c8d2")), /unexpected DRM system/],
    ];
    for (const [systemId, innerXml, re] of bad) assert.throws(() => mpd([{ systemId, innerXml }]), re, innerXml);
  });

  it("xs:duration with millisecond precision", () => {
    assert.equal(isoDuration(8.021333), "PT8.021S");
    assert.equal(isoDuration(0), "PT0.000S");
  });
});
