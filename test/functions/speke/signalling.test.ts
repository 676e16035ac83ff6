/**
 * What each DRM system gets back, parsed field by field with independent readers (hand-written box parsing,
 * protobufjs with the published WidevinePsshData proto, node:crypto for the PlayReady checksum).
 * Known-answer vector: Microsoft's PlayReady test key seed with KID 8ba94ade-6eb9-449d-b44f-a5beefaf43b0, key
 * DBFD6922C321C4BB486F4A1C44097ED6 and CHECKSUM Me48z71nuqY= as published in the public python `cpix` package tests
 * (github.com/Axinom/cpix / pycpix), which also publish the 4.2.0.0 WRMHEADER below.
 */
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import * as protobuf from "protobufjs";
import { handleSpeke } from "../../../functions/speke/handler";
import {
  FAIRPLAY_CHILDREN,
  NS,
  PRESET_V8_A3,
  PLAYREADY_CHILDREN,
  SYS,
  WIDEVINE_CHILDREN,
  b64text,
  childElements,
  config,
  contentKeys,
  drmSystems,
  kids,
  kidN,
  parseXml,
  path,
  plainKey,
  testContext,
  text,
  v2Request,
  xsdErrors,
  type El,
} from "../../support/speke";
import { itShared } from "../../support/shared";

const PYCPIX = {
  kid: "8ba94ade-6eb9-449d-b44f-a5beefaf43b0",
  keyHex: "dbfd6922c321c4bb486f4a1c44097ed6",
  checksum: "Me48z71nuqY=",
  laUrl: "https://test.playready.microsoft.com/service/rightsmanager.asmx",
  wrmHeader42:
    '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCTR" CHECKSUM="Me48z71nuqY=" VALUE="3kqpi7lunUS0T6W+769DsA=="></KID></KIDS></PROTECTINFO><LA_URL>https://test.playready.microsoft.com/service/rightsmanager.asmx</LA_URL></DATA></WRMHEADER>',
};

// Shaka Packager's widevine_pssh_data.proto (field numbers as published), read with protobufjs independently.
const WV = protobuf
  .parse(
    `syntax = "proto2"; message WidevinePsshData {
  repeated bytes key_id = 2; optional string provider = 3; optional bytes content_id = 4;
  optional uint32 crypto_period_index = 7; optional uint32 protection_scheme = 9; }`,
    { keepCase: true },
  )
  .root.lookupType("WidevinePsshData");

interface Box {
  size: number;
  type: string;
  version: number;
  flags: number;
  systemId: string;
  kids: string[];
  data: Buffer;
}
function readBox(b: Buffer): Box {
  const size = b.readUInt32BE(0);
  const version = b[8]!;
  const flags = b.readUIntBE(9, 3);
  const systemId = b.subarray(12, 28).toString("hex");
  let o = 28;
  const ks: string[] = [];
  if (version === 1) {
    const n = b.readUInt32BE(o);
    o += 4;
    for (let i = 0; i < n; i++) {
      ks.push(b.subarray(o, o + 16).toString("hex"));
      o += 16;
    }
  }
  const ds = b.readUInt32BE(o);
  o += 4;
  assert.equal(o + ds, b.length, "DataSize consistent with the box size");
  return { size, type: b.toString("latin1", 4, 8), version, flags, systemId, kids: ks, data: b.subarray(o) };
}

function readPro(b: Buffer): string {
  assert.equal(b.readUInt32LE(0), b.length);
  assert.equal(b.readUInt16LE(4), 1);
  assert.equal(b.readUInt16LE(6), 1, "record type 1 = WRMHEADER");
  const len = b.readUInt16LE(8);
  assert.equal(10 + len, b.length);
  return b.subarray(10).toString("utf16le");
}

const PR_NS = "http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader";
const CENC = "urn:mpeg:cenc:2013";
const MSPR = "urn:microsoft:playready";

/**
 * A ContentProtectionData fragment read with xmldom inside a wrapper that declares no namespace (so every element must
 * declare its own): the top-level elements; anything else at top level (text, comments) fails.
 */
function fragment(xml: string): El[] {
  const root = parseXml(`<fragment>${xml}</fragment>`);
  const out: El[] = [];
  for (let n = root.firstChild; n; n = n.nextSibling) {
    assert.equal(n.nodeType, 1, "only elements in ContentProtectionData");
    assert.notEqual(n.localName, "ContentProtection");
    assert.equal(childElements(n).length, 0, `${n.localName} carries text only`);
    out.push(n);
  }
  return out;
}
const qname = (e: El) => `${e.namespaceURI} ${e.localName}`;
const PRESET = PRESET_V8_A3;
const hexKid = (uuid: string) => uuid.replace(/-/g, "");
function leGuid(uuid: string): Buffer {
  const b = Buffer.from(hexKid(uuid), "hex");
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}
function checksum(uuid: string, key: Buffer): string {
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(leGuid(uuid)), c.final()])
    .subarray(0, 8)
    .toString("base64");
}

async function speke(body: string, cfg = config(), version = "2.0") {
  const r = await handleSpeke({ body, spekeVersion: version }, testContext(), cfg);
  assert.equal(r.status, 200, r.body);
  return { res: r, root: parseXml(r.body) };
}

const systemFor = (root: El, systemId: string, kid: string) =>
  drmSystems(root).find((s) => s.getAttribute("systemId") === systemId && s.getAttribute("kid") === kid)!;

describe("SPEKE signalling per DRM system", () => {
  it("derives the published content key and PlayReady 4.2.0.0 header for the Microsoft test seed (pycpix vector)", async () => {
    const cfg = config({ playready: { laUrl: PYCPIX.laUrl, headerVersion: "4.2.0.0" } });
    const { root } = await speke(
      v2Request({ keys: [{ kid: PYCPIX.kid }], systems: [{ systemId: SYS.playready, children: PLAYREADY_CHILDREN }] }),
      cfg,
    );
    assert.equal(plainKey(contentKeys(root)[0]!).toString("hex"), PYCPIX.keyHex);
    const sys = systemFor(root, SYS.playready, PYCPIX.kid);
    const pro = Buffer.from(text(path(sys, "cpix:SmoothStreamingProtectionHeaderData")), "base64");
    assert.equal(readPro(pro), PYCPIX.wrmHeader42);
  });

  itShared("fills Widevine PSSH, ContentProtectionData and HLS lines consistently", async () => {
    const kid = kidN(1);
    const { root, res } = await speke(
      v2Request({
        contentId: "movie-42",
        keys: [{ kid, scheme: "cbcs" }],
        systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
      }),
      config({ widevine: { provider: "keyplane" } }),
    );
    assert.equal(xsdErrors(res.body), "");
    const sys = systemFor(root, SYS.widevine, kid);
    const psshB64 = text(path(sys, "cpix:PSSH"));
    const box = readBox(Buffer.from(psshB64, "base64"));
    assert.equal(box.type, "pssh");
    assert.equal(box.size, Buffer.from(psshB64, "base64").length);
    assert.equal(box.flags, 0);
    assert.equal(box.systemId, hexKid(SYS.widevine));
    const data = WV.toObject(WV.decode(box.data), { bytes: Buffer }) as {
      key_id: Buffer[];
      provider: string;
      content_id: Buffer;
      protection_scheme: number;
    };
    assert.deepEqual(
      data.key_id.map((k) => k.toString("hex")),
      [hexKid(kid)],
    );
    assert.equal(data.provider, "keyplane");
    assert.equal(data.content_id.toString(), "movie-42");
    assert.equal(data.protection_scheme, 0x63626373); // 'cbcs' big-endian
    // ContentProtectionData (DASH-IF CPIX 2.3): what goes inside the MPD ContentProtection element, i.e. a standalone
    // cenc:pssh (its own xmlns:cenc) whose text is the PSSH value, not a ContentProtection element
    const cp = fragment(b64text(path(sys, "cpix:ContentProtectionData")));
    assert.deepEqual(cp.map(qname), [`${CENC} pssh`]);
    assert.equal(cp[0]!.getAttribute("xmlns:cenc"), CENC);
    assert.equal(cp[0]!.textContent, psshB64);
    const [media, master] = kids(sys, NS.cpix, "HLSSignalingData");
    assert.equal(media!.getAttribute("playlist"), "media");
    const m = b64text(media!);
    const M = b64text(master!);
    assert.match(m, /^#EXT-X-KEY:METHOD=SAMPLE-AES,/);
    assert.ok(m.includes(`URI="data:text/plain;base64,${psshB64}"`));
    assert.ok(m.includes(`KEYFORMAT="urn:uuid:${SYS.widevine}"`));
    assert.equal(M, m.replace("#EXT-X-KEY:", "#EXT-X-SESSION-KEY:"));
  });

  itShared(
    "fills PlayReady with a little-endian KID and a CHECKSUM over the served key (cenc -> 4.0.0.0 AESCTR)",
    async () => {
      const kid = kidN(2);
      const { root, res } = await speke(
        v2Request({ keys: [{ kid }], systems: [{ systemId: SYS.playready, children: PLAYREADY_CHILDREN }] }),
      );
      assert.equal(xsdErrors(res.body), "");
      const key = plainKey(contentKeys(root)[0]!);
      const sys = systemFor(root, SYS.playready, kid);
      const psshB64 = text(path(sys, "cpix:PSSH"));
      const box = readBox(Buffer.from(psshB64, "base64"));
      assert.equal(box.systemId, hexKid(SYS.playready));
      const wrm = parseXml(readPro(box.data));
      assert.equal(wrm.namespaceURI, PR_NS);
      assert.equal(wrm.getAttribute("version"), "4.0.0.0");
      const data = kids(wrm, PR_NS, "DATA")[0]!;
      assert.equal(text(kids(data, PR_NS, "KID")[0]!), leGuid(kid).toString("base64"));
      assert.equal(text(kids(data, PR_NS, "CHECKSUM")[0]!), checksum(kid, key));
      const pi = kids(data, PR_NS, "PROTECTINFO")[0]!;
      assert.equal(text(kids(pi, PR_NS, "ALGID")[0]!), "AESCTR");
      // the Smooth Streaming header and the ContentProtectionData carry the same PlayReady Object
      const pro = text(path(sys, "cpix:SmoothStreamingProtectionHeaderData"));
      assert.equal(pro, box.data.toString("base64"));
      const cp = fragment(b64text(path(sys, "cpix:ContentProtectionData")));
      assert.deepEqual(cp.map(qname), [`${CENC} pssh`, `${MSPR} pro`]);
      assert.equal(cp[0]!.getAttribute("xmlns:cenc"), CENC);
      assert.equal(cp[1]!.getAttribute("xmlns:mspr"), MSPR);
      assert.equal(cp[0]!.textContent, psshB64);
      assert.equal(cp[1]!.textContent, pro);
      const m = b64text(kids(sys, NS.cpix, "HLSSignalingData")[0]!);
      assert.ok(m.includes('KEYFORMAT="com.microsoft.playready"'));
      assert.match(m, /^#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,/);
    },
  );

  it("uses PlayReady 4.3.0.0 with ALGID AESCBC (no CHECKSUM) for cbcs", async () => {
    const kid = kidN(3);
    const { root } = await speke(
      v2Request({
        keys: [{ kid, scheme: "cbcs" }],
        systems: [{ systemId: SYS.playready, children: PLAYREADY_CHILDREN }],
      }),
    );
    const sys = systemFor(root, SYS.playready, kid);
    const wrm = parseXml(readPro(Buffer.from(text(path(sys, "cpix:SmoothStreamingProtectionHeaderData")), "base64")));
    assert.equal(wrm.getAttribute("version"), "4.3.0.0");
    const pi = kids(kids(wrm, PR_NS, "DATA")[0]!, PR_NS, "PROTECTINFO")[0]!;
    const kidEl = kids(kids(pi, PR_NS, "KIDS")[0]!, PR_NS, "KID")[0]!;
    assert.equal(kidEl.getAttribute("ALGID"), "AESCBC");
    assert.equal(kidEl.getAttribute("VALUE"), leGuid(kid).toString("base64"));
    assert.equal(kidEl.hasAttribute("CHECKSUM"), false);
  });

  itShared(
    "fills FairPlay with identical skd:// media and master lines, no PSSH or ContentProtectionData",
    async () => {
      const kid = kidN(4);
      const iv = Buffer.alloc(16, 7).toString("base64");
      const { root, res } = await speke(
        v2Request({
          contentId: "c 1",
          keys: [{ kid, scheme: "cbcs", explicitIV: iv }],
          systems: [{ systemId: SYS.fairplay, children: FAIRPLAY_CHILDREN }],
        }),
        config({ fairplaySkdTemplate: "skd://keys.example/{content_id}/{kid}" }),
      );
      assert.equal(xsdErrors(res.body), "");
      const sys = systemFor(root, SYS.fairplay, kid);
      assert.equal(kids(sys, NS.cpix, "PSSH").length, 0);
      assert.equal(kids(sys, NS.cpix, "ContentProtectionData").length, 0);
      const [media, master] = kids(sys, NS.cpix, "HLSSignalingData").map(b64text);
      assert.equal(
        media,
        `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://keys.example/c%201/${kid}",IV=0x07070707070707070707070707070707,KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"`,
      );
      assert.equal(master, media!.replace("#EXT-X-KEY:", "#EXT-X-SESSION-KEY:"));
      assert.equal(contentKeys(root)[0]!.getAttribute("explicitIV"), iv);
    },
  );

  it("keeps an empty FairPlay PSSH empty", async () => {
    const kid = kidN(5);
    const { root } = await speke(
      v2Request({
        keys: [{ kid, scheme: "cbcs" }],
        systems: [{ systemId: SYS.fairplay, children: `<cpix:PSSH/>${FAIRPLAY_CHILDREN}` }],
      }),
    );
    const sys = systemFor(root, SYS.fairplay, kid);
    assert.equal(text(path(sys, "cpix:PSSH")), "");
  });

  itShared("fills Clear Key AES-128 with key delivery URLs and the W3C common PSSH", async () => {
    const kid = kidN(6);
    const { root, res } = await speke(
      v2Request({ keys: [{ kid }], systems: [{ systemId: SYS.clearKey, children: WIDEVINE_CHILDREN }] }),
      config({ publicBaseUrl: "https://keys.example.com/" }),
    );
    assert.equal(xsdErrors(res.body), "");
    const sys = systemFor(root, SYS.clearKey, kid);
    const [media, master] = kids(sys, NS.cpix, "HLSSignalingData").map(b64text);
    assert.equal(
      media,
      `#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/hls/key/${kid}",KEYFORMAT="identity",KEYFORMATVERSIONS="1"`,
    );
    assert.equal(master, media!.replace("#EXT-X-KEY:", "#EXT-X-SESSION-KEY:"));
    // W3C "Common SystemID and PSSH Box Format": version 1, system 1077efec-..., the KID, DataSize 0
    const box = readBox(Buffer.from(text(path(sys, "cpix:PSSH")), "base64"));
    assert.equal(box.version, 1);
    assert.equal(box.systemId, "1077efecc0b24d02ace33c1e52e2fb4b");
    assert.deepEqual(box.kids, [hexKid(kid)]);
    assert.equal(box.data.length, 0);
    // inside the DASH-IF ClearKey descriptor (DASH-IF IOP "Clear Key"): the license URL as a standalone dashif:Laurl;
    // the common PSSH (another SystemID) is not repeated there
    const cp = fragment(b64text(path(sys, "cpix:ContentProtectionData")));
    assert.deepEqual(cp.map(qname), ["https://dashif.org/CPS Laurl"]);
    assert.equal(cp[0]!.getAttribute("xmlns:dashif"), "https://dashif.org/CPS");
    assert.equal(cp[0]!.textContent, "https://keys.example.com/clearkey");
  });

  itShared(
    "answers preset VIDEO-8 + AUDIO-3 with Widevine, PlayReady and FairPlay (schema-valid, 7 distinct keys)",
    async () => {
      const keys = [0, 1, 2, 3, 4, 5, 6].map((i) => ({
        kid: kidN(100 + i),
        scheme: "cbcs",
        trackType: PRESET[i]!.trackType,
        filter: PRESET[i]!.filter,
      }));
      const { root, res } = await speke(
        v2Request({
          keys,
          systems: [
            { systemId: SYS.widevine, children: WIDEVINE_CHILDREN },
            { systemId: SYS.playready, children: PLAYREADY_CHILDREN },
            { systemId: SYS.fairplay, children: FAIRPLAY_CHILDREN },
          ],
        }),
      );
      assert.equal(xsdErrors(res.body), "");
      assert.equal(drmSystems(root).length, 21);
      const values = contentKeys(root).map((k) => plainKey(k).toString("hex"));
      assert.equal(new Set(values).size, 7);
      const rules = kids(path(root, "cpix:ContentKeyUsageRuleList"), NS.cpix, "ContentKeyUsageRule");
      assert.deepEqual(
        rules.map((r) => r.getAttribute("intendedTrackType")),
        PRESET.map((p) => p.trackType),
      );
      assert.equal(kids(rules[1]!, NS.cpix, "VideoFilter")[0]!.getAttribute("minPixels"), "921601");
    },
  );
});
