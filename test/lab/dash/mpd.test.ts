/**
 * Content protection in the MPD Shaka Packager wrote: the signalling DOMAIN/DASH-IF IOP name: mp4protection +
 * cenc:default_KID (urn:mpeg:cenc:2013) and the DASH-IF ClearKey scheme urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e
 * with dashif:Laurl (https://dashif.org/CPS); the packager's own ContentProtection elements are replaced in place.
 * The fixture below has the shape Shaka Packager v3.4 writes in raw-key mode (one ContentProtection per PSSH box).
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { execFileSync } from "node:child_process";
import { protectMpd, type ServerContentProtection } from "../../../lab/dash/mpd";

const MPD = "urn:mpeg:dash:schema:mpd:2011";
/** xmllint (libxml2) well-formedness and namespace check of a whole MPD: "" when clean. */
function lint(xml: string): string {
  try {
    execFileSync("xmllint", ["--noout", "--nonet", "-"], { input: xml, stdio: "pipe" });
    return "";
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}
const KID = Buffer.from("0f083e4eb8314a3d917ece78076e54aa", "hex");
const AKID = Buffer.from("ffeeddccbbaa99887766554433221100", "hex");
const PACKAGER_MPD = `<?xml version="1.0" encoding="UTF-8"?>
<!--Generated with https://github.com/shaka-project/shaka-packager version v3.4.2-c819dea-release-->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:mpeg:dash:schema:mpd:2011 DASH-MPD.xsd" xmlns:cenc="urn:mpeg:cenc:2013" profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S" type="static" mediaPresentationDuration="PT8S">
  <Period id="0">
    <AdaptationSet id="0" contentType="video" width="640" height="360" frameRate="12288/512" segmentAlignment="true" par="16:9">
      <ContentProtection value="cenc" schemeIdUri="urn:mpeg:dash:mp4protection:2011" cenc:default_KID="0f083e4e-b831-4a3d-917e-ce78076e54aa"/>
      <ContentProtection schemeIdUri="urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b">
        <cenc:pssh>AAAARHBzc2gBAAAAEHfv7MCyTQKs4zweUuL7SwAAAAL/7t3Mu6qZiHdmVUQzIhEAABEiM0RVZneImaq7zN3u/wAAAAA=</cenc:pssh>
      </ContentProtection>
      <Representation id="0" bandwidth="645184" codecs="avc1.4d401e" mimeType="video/mp4" sar="1:1">
        <SegmentTemplate timescale="12288" initialization="video/init.mp4" media="video/seg-$Number$.m4s" startNumber="1">
          <SegmentTimeline>
            <S t="0" d="24576" r="3"/>
          </SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
    <AdaptationSet id="1" contentType="audio" startWithSAP="1" segmentAlignment="true">
      <ContentProtection value="cenc" schemeIdUri="urn:mpeg:dash:mp4protection:2011" cenc:default_KID="ffeeddcc-bbaa-9988-7766-554433221100"/>
      <Representation id="1" bandwidth="102974" codecs="mp4a.40.2" mimeType="audio/mp4" audioSamplingRate="48000">
        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>
        <SegmentTemplate timescale="48000" initialization="audio/init.mp4" media="audio/seg-$Number$.m4s" startNumber="1">
          <SegmentTimeline><S t="0" d="96256" r="3"/></SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>`;
const CK = "3ea8778f-7742-4bf9-b18b-e834b2acbd47";
const laurl = (u: string): ServerContentProtection => ({
  systemId: CK,
  innerXml: `<dashif:Laurl xmlns:dashif="https://dashif.org/CPS">${u}</dashif:Laurl>`,
});

describe("lab/dash/mpd", () => {
  it("replaces the packager's ContentProtection per AdaptationSet: cenc + default_KID, then ClearKey Laurl; the rest stays the packager's", () => {
    const xml = protectMpd(PACKAGER_MPD, [
      { contentType: "video", kid: KID, systems: [laurl("http://127.0.0.1:8787/clearkey?a=1&amp;b=2")] },
      { contentType: "audio", kid: AKID, systems: [laurl("http://127.0.0.1:8787/clearkey")] },
    ]);
    assert.equal(lint(xml), "");
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const sets = Array.from(doc.getElementsByTagNameNS(MPD, "AdaptationSet"));
    assert.equal(sets.length, 2);
    const cps = Array.from(sets[0]!.getElementsByTagNameNS(MPD, "ContentProtection"));
    assert.equal(cps.length, 2, "the packager's common-PSSH element is gone");
    assert.equal(cps[0]!.getAttribute("value"), "cenc");
    assert.equal(cps[0]!.getAttributeNS("urn:mpeg:cenc:2013", "default_KID"), "0f083e4e-b831-4a3d-917e-ce78076e54aa");
    assert.equal(cps[1]!.getAttribute("schemeIdUri"), "urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e");
    assert.equal(cps[1]!.getAttribute("value"), "ClearKey1.0");
    assert.equal(
      cps[1]!.getElementsByTagNameNS("https://dashif.org/CPS", "Laurl")[0]!.textContent,
      "http://127.0.0.1:8787/clearkey?a=1&b=2",
    );
    // ContentProtection stays where the packager put it (before Representation, ISO/IEC 23009-1 schema order)
    const kids = Array.from(sets[0]!.childNodes)
      .filter((n) => n.nodeType === 1)
      .map((n) => n.localName);
    assert.deepEqual(kids, ["ContentProtection", "ContentProtection", "Representation"]);
    const audioCps = Array.from(sets[1]!.getElementsByTagNameNS(MPD, "ContentProtection"));
    assert.equal(
      audioCps[0]!.getAttributeNS("urn:mpeg:cenc:2013", "default_KID"),
      "ffeeddcc-bbaa-9988-7766-554433221100",
    );
    const s = Array.from(doc.getElementsByTagNameNS(MPD, "S")).map((e) => [
      e.getAttribute("t"),
      e.getAttribute("d"),
      e.getAttribute("r"),
    ]);
    assert.deepEqual(s[0], ["0", "24576", "3"]);
    assert.equal(doc.documentElement!.getAttribute("mediaPresentationDuration"), "PT8S");
  });

  it("refuses an MPD whose default_KID is not the key server's KID, or that misses a track", () => {
    assert.throws(
      () =>
        protectMpd(PACKAGER_MPD, [
          { contentType: "video", kid: AKID, systems: [] },
          { contentType: "audio", kid: AKID, systems: [] },
        ]),
      /video AdaptationSet is encrypted with KID 0f083e4e-.*not the video key/,
    );
    assert.throws(
      () => protectMpd(PACKAGER_MPD, [{ contentType: "video", kid: KID, systems: [] }]),
      /AdaptationSet for "audio", which the lab has no key for/,
    );
    const videoOnly = PACKAGER_MPD.replace(/<AdaptationSet id="1"[\s\S]*?<\/AdaptationSet>/, "");
    assert.throws(
      () =>
        protectMpd(videoOnly, [
          { contentType: "video", kid: KID, systems: [] },
          { contentType: "audio", kid: AKID, systems: [] },
        ]),
      /no audio AdaptationSet/,
    );
    assert.throws(() => protectMpd("<MPD/>", []), /not an MPD/);
  });

  // DASH-IF CPIX 2.3: ContentProtectionData is the XML inside the ContentProtection element; the MPD writer writes
  // the element (urn:uuid scheme, MSPR 2.0 for PlayReady per Microsoft's DASH PlayReady spec) around it.
  const WV = "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed";
  const PR = "9a04f079-9840-4286-ab92-e65be0885f95";
  const box = (systemId: string, data: Buffer = Buffer.alloc(0)): string => {
    // ISO/IEC 23001-7 pssh box, version 0, written by hand: size, 'pssh', version+flags, SystemID, DataSize, Data
    const b = Buffer.alloc(32 + data.length);
    b.writeUInt32BE(b.length, 0);
    b.write("pssh", 4, "latin1");
    Buffer.from(systemId.replace(/-/g, ""), "hex").copy(b, 12);
    b.writeUInt32BE(data.length, 28);
    data.copy(b, 32);
    return b.toString("base64");
  };
  const pro = (() => {
    const b = Buffer.alloc(10);
    b.writeUInt32LE(10, 0);
    b.writeUInt16LE(1, 4);
    b.writeUInt16LE(1, 6);
    return b.toString("base64");
  })();
  const mpd = (extra: ServerContentProtection[]) =>
    protectMpd(PACKAGER_MPD, [
      { contentType: "video", kid: KID, systems: [laurl("http://x/clearkey"), ...extra] },
      { contentType: "audio", kid: AKID, systems: [] },
    ]);
  const cpsOf = (xml: string) =>
    Array.from(new DOMParser().parseFromString(xml, "text/xml").getElementsByTagNameNS(MPD, "ContentProtection"));

  it("wraps the key server's ContentProtectionData in its own ContentProtection element (no nesting)", () => {
    const wvBox = box(WV, Buffer.from([8, 1]));
    const prBox = box(PR, Buffer.from(pro, "base64"));
    const xml = mpd([
      { systemId: WV, innerXml: `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${wvBox}</cenc:pssh>` },
      {
        systemId: PR.toUpperCase(),
        innerXml: `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${prBox}</cenc:pssh>\n<mspr:pro xmlns:mspr="urn:microsoft:playready">${pro}</mspr:pro>`,
      },
    ]);
    assert.equal(lint(xml), "");
    const cps = cpsOf(xml);
    assert.equal(cps.length, 5, "video: mp4protection, ClearKey, Widevine, PlayReady; audio: mp4protection");
    for (const cp of cps)
      assert.equal(cp.getElementsByTagNameNS(MPD, "ContentProtection").length, 0, "no nested ContentProtection");
    assert.equal(cps[2]!.getAttribute("schemeIdUri"), `urn:uuid:${WV}`);
    assert.deepEqual(
      Array.from(cps[2]!.childNodes).map((n) => [n.namespaceURI, n.localName, n.textContent]),
      [["urn:mpeg:cenc:2013", "pssh", wvBox]],
    );
    assert.equal(cps[3]!.getAttribute("schemeIdUri"), `urn:uuid:${PR}`);
    assert.equal(cps[3]!.getAttribute("value"), "MSPR 2.0");
    assert.deepEqual(
      Array.from(cps[3]!.childNodes).map((n) => [n.namespaceURI, n.localName, n.textContent]),
      [
        ["urn:mpeg:cenc:2013", "pssh", prBox],
        ["urn:microsoft:playready", "pro", pro],
      ],
    );
  });

  it("refuses ContentProtectionData that is not exactly the expected inner elements", () => {
    const pssh = (t: string) => `<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">${t}</cenc:pssh>`;
    const bad: [string, string, RegExp][] = [
      // the old shape: a whole ContentProtection element
      [
        WV,
        `<ContentProtection xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" schemeIdUri="urn:uuid:${WV}">${pssh(box(WV))}</ContentProtection>`,
        /ContentProtection element/,
      ],
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
      [
        "80a6be7e-1448-4c37-9e70-d5aebe04c8d2",
        pssh(box("80a6be7e-1448-4c37-9e70-d5aebe04c8d2")),
        /unexpected DRM system/,
      ],
    ];
    for (const [systemId, innerXml, re] of bad) assert.throws(() => mpd([{ systemId, innerXml }]), re, innerXml);
  });
});
