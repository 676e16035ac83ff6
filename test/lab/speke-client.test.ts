/**
 * SPEKE v2 client: request shape per the AWS SPEKE v2 sample requests (/work/shared/conformance/speke-requests,
 * e.g. v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml) and the DASH-IF CPIX 2.3
 * schema; response reading by namespace URI (AWS samples spell the PSKC prefix `pksc`).
 */
import assert from "node:assert/strict";
import { DOMParser } from "@xmldom/xmldom";
import { buildSpekeRequest, parseSpekeResponse, spekeEndpoint, SPEKE_SYSTEMS } from "../../lab/speke-client";

const CPIX = "urn:dashif:org:cpix";
const V = Buffer.from("0f083e4eb8314a3d917ece78076e54aa", "hex");
const A = Buffer.from("041fdd3a7f5e4848a7cb65e97758e9a0", "hex");

describe("lab/speke-client", () => {
  it("builds a CPIX 2.3 request shaped like the AWS preset video 1 / audio 1 sample", () => {
    const xml = buildSpekeRequest({
      contentId: "test_case_generic",
      scheme: "cenc",
      keys: [
        { kid: V, trackType: "VIDEO" },
        { kid: A, trackType: "AUDIO" },
      ],
      systems: [
        { systemId: SPEKE_SYSTEMS.widevine, pssh: true, contentProtectionData: true },
        { systemId: SPEKE_SYSTEMS.w3cCommon, pssh: true },
      ],
    });
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const root = doc.documentElement!;
    assert.equal(root.namespaceURI, CPIX);
    assert.equal(root.getAttribute("version"), "2.3");
    assert.equal(root.getAttribute("contentId"), "test_case_generic");
    assert.equal(root.hasAttribute("id"), false);
    const keys = Array.from(root.getElementsByTagNameNS(CPIX, "ContentKey"));
    assert.deepEqual(
      keys.map((k) => [k.getAttribute("kid"), k.getAttribute("commonEncryptionScheme")]),
      [
        ["0f083e4e-b831-4a3d-917e-ce78076e54aa", "cenc"],
        ["041fdd3a-7f5e-4848-a7cb-65e97758e9a0", "cenc"],
      ],
    );
    const systems = Array.from(root.getElementsByTagNameNS(CPIX, "DRMSystem"));
    assert.equal(systems.length, 4);
    const wv = systems.filter((s) => s.getAttribute("systemId") === "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
    assert.equal(wv.length, 2);
    assert.equal(wv[0]!.getElementsByTagNameNS(CPIX, "PSSH").length, 1);
    assert.equal(wv[0]!.getElementsByTagNameNS(CPIX, "ContentProtectionData").length, 1);
    const rules = Array.from(root.getElementsByTagNameNS(CPIX, "ContentKeyUsageRule"));
    assert.deepEqual(
      rules.map((r) => [
        r.getAttribute("intendedTrackType"),
        r.getElementsByTagNameNS(CPIX, "VideoFilter").length,
        r.getElementsByTagNameNS(CPIX, "AudioFilter").length,
      ]),
      [
        ["VIDEO", 1, 0],
        ["AUDIO", 0, 1],
      ],
    );
  });

  it("SHARED (ALL) carries both a VideoFilter and an AudioFilter; HLS systems ask for media and master lines", () => {
    const xml = buildSpekeRequest({
      contentId: 'c&<"',
      scheme: "cbcs",
      keys: [{ kid: V, trackType: "ALL" }],
      systems: [{ systemId: SPEKE_SYSTEMS.clearKeyAes128, hls: true }],
    });
    const root = new DOMParser().parseFromString(xml, "text/xml").documentElement!;
    assert.equal(root.getAttribute("contentId"), 'c&<"');
    const rule = root.getElementsByTagNameNS(CPIX, "ContentKeyUsageRule")[0]!;
    assert.equal(rule.getElementsByTagNameNS(CPIX, "VideoFilter").length, 1);
    assert.equal(rule.getElementsByTagNameNS(CPIX, "AudioFilter").length, 1);
    assert.deepEqual(
      Array.from(root.getElementsByTagNameNS(CPIX, "HLSSignalingData")).map((h) => h.getAttribute("playlist")),
      ["media", "master"],
    );
  });

  const response = (pskcPrefix: string, value: string) => `<?xml version="1.0"?>
<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:${pskcPrefix}="urn:ietf:params:xml:ns:keyprov:pskc" contentId="x" version="2.3">
 <cpix:ContentKeyList><cpix:ContentKey kid="0f083e4e-b831-4a3d-917e-ce78076e54aa" commonEncryptionScheme="cenc"><cpix:Data><${pskcPrefix}:Secret>${value}</${pskcPrefix}:Secret></cpix:Data></cpix:ContentKey></cpix:ContentKeyList>
 <cpix:DRMSystemList><cpix:DRMSystem kid="0f083e4e-b831-4a3d-917e-ce78076e54aa" systemId="3ea8778f-7742-4bf9-b18b-e834b2acbd47">
  <cpix:HLSSignalingData playlist="media">${Buffer.from('#EXT-X-KEY:METHOD=AES-128,URI="https://k/hls/key/0f083e4e-b831-4a3d-917e-ce78076e54aa"').toString("base64")}</cpix:HLSSignalingData>
  <cpix:HLSSignalingData playlist="master">${Buffer.from('#EXT-X-SESSION-KEY:METHOD=AES-128,URI="https://k/hls/key/0f083e4e-b831-4a3d-917e-ce78076e54aa"').toString("base64")}</cpix:HLSSignalingData>
 </cpix:DRMSystem></cpix:DRMSystemList>
 <cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="0f083e4e-b831-4a3d-917e-ce78076e54aa" intendedTrackType="ALL"/></cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;

  it("reads keys and signalling by namespace URI, whatever the prefix", () => {
    for (const prefix of ["pskc", "pksc"]) {
      const keys = parseSpekeResponse(
        response(prefix, `<${prefix}:PlainValue>AAECAwQFBgcICQoLDA0ODw==</${prefix}:PlainValue>`),
      );
      assert.equal(keys.length, 1);
      assert.ok(keys[0]!.kid.equals(V));
      assert.ok(keys[0]!.key.equals(Buffer.from("000102030405060708090a0b0c0d0e0f", "hex")));
      assert.equal(keys[0]!.trackType, "ALL");
      assert.equal(
        keys[0]!.systems[0]!.hlsMedia,
        '#EXT-X-KEY:METHOD=AES-128,URI="https://k/hls/key/0f083e4e-b831-4a3d-917e-ce78076e54aa"',
      );
      assert.match(keys[0]!.systems[0]!.hlsMaster!, /^#EXT-X-SESSION-KEY:/);
    }
  });

  it("reads ContentProtectionData as the UTF-8 inner XML of the ContentProtection element, refusing other bytes", () => {
    const cpd = '<cenc:pssh xmlns:cenc="urn:mpeg:cenc:2013">AAAA</cenc:pssh>';
    const withCpd = (b64: string) =>
      response("pskc", "<pskc:PlainValue>AAECAwQFBgcICQoLDA0ODw==</pskc:PlainValue>").replace(
        "</cpix:DRMSystem>",
        `<cpix:ContentProtectionData>${b64}</cpix:ContentProtectionData></cpix:DRMSystem>`,
      );
    assert.equal(
      parseSpekeResponse(withCpd(Buffer.from(cpd).toString("base64")))[0]!.systems[0]!.contentProtectionData,
      cpd,
    );
    assert.throws(
      () => parseSpekeResponse(withCpd(Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString("base64"))),
      /not UTF-8/,
    );
  });

  it("refuses encrypted keys, short keys, DTDs and non-CPIX documents with clear errors", () => {
    assert.throws(() => parseSpekeResponse(response("pskc", "<pskc:EncryptedValue/>")), /expects PlainValue/);
    assert.throws(
      () => parseSpekeResponse(response("pskc", "<pskc:PlainValue>AAEC</pskc:PlainValue>")),
      /3 bytes, expected 16/,
    );
    assert.throws(() => parseSpekeResponse(`<!DOCTYPE x [<!ENTITY e "x">]>${response("pskc", "")}`), /DTD/);
    assert.throws(() => parseSpekeResponse("<a xmlns='urn:x'/>"), /not a CPIX document/);
  });

  it("endpoint: a base URL gets /speke, a /speke URL stays", () => {
    assert.equal(spekeEndpoint("http://127.0.0.1:8787"), "http://127.0.0.1:8787/speke");
    assert.equal(spekeEndpoint("https://h/prod/"), "https://h/prod/speke");
    assert.equal(spekeEndpoint("https://h/prod/speke"), "https://h/prod/speke");
  });
});
