/**
 * MPD writer: ISO/IEC 23009-1 SegmentTimeline (S@t, @d, @r = repeat count), xs:duration, and the content protection
 * signalling DOMAIN/DASH-IF IOP name: mp4protection + cenc:default_KID (urn:mpeg:cenc:2013) and the DASH-IF ClearKey
 * scheme urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e with dashif:Laurl (https://dashif.org/CPS).
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { isoDuration, writeMpd, type DashRepresentation } from "../../../lab/dash/mpd";
import type { TrackInfo } from "../../../lab/mp4/track";

const video: TrackInfo = { trackId: 1, kind: "video", timescale: 12288, format: "avc1", codecs: "avc1.4d401e", nalLengthSize: 4, defaultSampleDuration: 0, defaultSampleSize: 0, width: 640, height: 360 };
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

  it("inserts the key server's ContentProtection XML only when it is well-formed", () => {
    const wv = '<ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cenc:pssh>AAAA</cenc:pssh></ContentProtection>';
    assert.match(writeMpd({ durationSec: 1, representations: [rep({ extraContentProtection: [wv] })], clearKeyLaUrl: "http://x/clearkey" }), /<cenc:pssh>AAAA<\/cenc:pssh>/);
    assert.throws(() => writeMpd({ durationSec: 1, representations: [rep({ extraContentProtection: ["<ContentProtection><oops></ContentProtection>"] })], clearKeyLaUrl: "http://x/clearkey" }), /well-formed/);
  });

  it("xs:duration with millisecond precision", () => {
    assert.equal(isoDuration(8.021333), "PT8.021S");
    assert.equal(isoDuration(0), "PT0.000S");
  });
});
