import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { DOMParser } from "@xmldom/xmldom";
import {
  chooseHeaderVersion,
  parsePlayReadyObject,
  parsePlayReadyPssh,
  parseWrmHeader,
  playReadyAlgId,
  playReadyChecksum,
  playReadyObject,
  playReadyPssh,
  wrmHeader,
} from "../../../functions/drm/playready";
import { parsePssh, parsePsshList } from "../../../functions/drm/pssh";
import { SYSTEM_IDS } from "../../../functions/drm/systems";
import { isKeyplaneError } from "../../../functions/errors";
import { kidFromUuid, toLittleEndianGuid } from "../../../functions/keys/kid";
import { KeySeed } from "../../../functions/keys/seed";
import {
  CPIX_PACKAGE_VECTOR,
  PSSH_BOX_CRATE_PLAYREADY,
  WPT_MP4_BASIC,
  WPT_MP4_MULTIKEY_1,
} from "../../support/drm-vectors";

const hex = (s: string) => Buffer.from(s, "hex");
const code = (c: string) => (e: unknown) => isKeyplaneError(e) && e.code === c;
const NS = "http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader";

describe("drm/playready checksum", () => {
  it("matches the python cpix package vector (Microsoft test key seed, KID 8ba94ade-…)", () => {
    assert.equal(
      playReadyChecksum(kidFromUuid(CPIX_PACKAGE_VECTOR.kid), hex(CPIX_PACKAGE_VECTOR.keyHex)),
      CPIX_PACKAGE_VECTOR.checksum,
    );
  });

  it("matches the CHECKSUMs in the W3C wpt mp4-basic and mp4-multikey PlayReady headers for their published keys", () => {
    assert.equal(
      playReadyChecksum(hex(WPT_MP4_BASIC.kidHex), hex(WPT_MP4_BASIC.keyHex)),
      WPT_MP4_BASIC.playReadyChecksum,
    );
    assert.equal(
      playReadyChecksum(hex(WPT_MP4_MULTIKEY_1.kidHex), hex(WPT_MP4_MULTIKEY_1.keyHex)),
      WPT_MP4_MULTIKEY_1.playReadyChecksum,
    );
  });

  it("refuses keys that are not 16 bytes and KIDs that are not 16 bytes", () => {
    assert.throws(() => playReadyChecksum(Buffer.alloc(16), Buffer.alloc(32)), code("PLAYREADY_KEY_INVALID"));
    assert.throws(() => playReadyChecksum(Buffer.alloc(15), Buffer.alloc(16)), code("KID_INVALID"));
  });
});

describe("drm/playready header version", () => {
  it("picks the lowest version that can express the keys", () => {
    assert.equal(chooseHeaderVersion({ scheme: "cenc", kidCount: 1 }), "4.0.0.0");
    assert.equal(chooseHeaderVersion({ scheme: "cenc", kidCount: 3 }), "4.2.0.0");
    assert.equal(chooseHeaderVersion({ scheme: "cbcs", kidCount: 1 }), "4.3.0.0");
    assert.equal(chooseHeaderVersion({ scheme: "cbcs", kidCount: 5 }), "4.3.0.0");
    assert.equal(chooseHeaderVersion({ scheme: "cens", kidCount: 1 }), "4.0.0.0");
  });

  it("keeps a configured version when high enough and refuses a lower one", () => {
    assert.equal(chooseHeaderVersion({ scheme: "cenc", kidCount: 1, configured: "4.1.0.0" }), "4.1.0.0");
    assert.equal(chooseHeaderVersion({ scheme: "cenc", kidCount: 2, configured: "4.3.0.0" }), "4.3.0.0");
    assert.throws(
      () => chooseHeaderVersion({ scheme: "cenc", kidCount: 2, configured: "4.1.0.0" }),
      code("PLAYREADY_HEADER_VERSION"),
    );
    assert.throws(
      () => chooseHeaderVersion({ scheme: "cbcs", kidCount: 1, configured: "4.2.0.0" }),
      code("PLAYREADY_HEADER_VERSION"),
    );
    assert.throws(() => chooseHeaderVersion({ scheme: "cenc", kidCount: 0 }), code("PLAYREADY_HEADER_VERSION"));
  });

  it("maps schemes to ALGIDs", () => {
    assert.equal(playReadyAlgId("cenc"), "AESCTR");
    assert.equal(playReadyAlgId("cbcs"), "AESCBC");
  });
});

describe("drm/playready WRMHEADER", () => {
  it("reproduces the python cpix package's complete 4.2.0.0 header from the seed-derived key", () => {
    const kid = kidFromUuid(CPIX_PACKAGE_VECTOR.kid);
    const key = KeySeed.fromBase64(CPIX_PACKAGE_VECTOR.seedB64).contentKey(kid);
    assert.equal(key.toString("hex").toUpperCase(), CPIX_PACKAGE_VECTOR.keyHex);
    const xml = wrmHeader({
      version: "4.2.0.0",
      keys: [{ kid, key, algid: "AESCTR" }],
      laUrl: CPIX_PACKAGE_VECTOR.laUrl,
    });
    assert.equal(xml, CPIX_PACKAGE_VECTOR.wrmHeader42);
  });

  it("reproduces the W3C wpt mp4-basic PlayReady PSSH (4.0.0.0 header, PRO, v0 box) byte for byte", () => {
    const published = Buffer.from(WPT_MP4_BASIC.initDataB64, "base64").subarray(0x71);
    const xml = wrmHeader({
      version: "4.0.0.0",
      keys: [{ kid: hex(WPT_MP4_BASIC.kidHex), key: hex(WPT_MP4_BASIC.keyHex), algid: "AESCTR" }],
      laUrl: WPT_MP4_BASIC.playReadyLaUrl, // contains '&', published escaped as &amp;
    });
    const built = playReadyPssh({ pro: playReadyObject(xml), version: 0 });
    assert.deepEqual(built, published);
  });

  it("parses the wpt mp4-basic header to its documented fields", () => {
    const [, pr] = parsePsshList(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64"));
    const parsed = parsePlayReadyPssh(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64").subarray(0x71));
    assert.deepEqual(parsed.box.data, pr!.data);
    const h = parsed.header!;
    assert.equal(h.version, "4.0.0.0");
    assert.equal(h.kids.length, 1);
    assert.equal(
      h.kids[0]!.kid.toString("hex"),
      WPT_MP4_BASIC.kidHex,
      "little-endian KID converted back to big-endian",
    );
    assert.equal(h.kids[0]!.algid, "AESCTR");
    assert.equal(h.kids[0]!.checksum, WPT_MP4_BASIC.playReadyChecksum);
    assert.equal(h.laUrl, WPT_MP4_BASIC.playReadyLaUrl);
  });

  it("parses the wpt mp4-multikey header (LA_URL, LUI_URL, CHECKSUM last)", () => {
    const all = Buffer.from(WPT_MP4_MULTIKEY_1.initDataB64, "base64");
    const pr = parsePsshList(all).find((b) => b.systemId === SYSTEM_IDS.playready)!;
    const pro = parsePlayReadyObject(pr.data);
    assert.deepEqual(
      pro.records.map((r) => r.type),
      [1],
    );
    const h = parseWrmHeader(pro.wrmHeader!);
    assert.equal(h.kids[0]!.kid.toString("hex"), WPT_MP4_MULTIKEY_1.kidHex);
    assert.equal(h.kids[0]!.checksum, WPT_MP4_MULTIKEY_1.playReadyChecksum);
    assert.equal(h.laUrl, WPT_MP4_MULTIKEY_1.laUrl);
    assert.equal(h.luiUrl, WPT_MP4_MULTIKEY_1.luiUrl);
  });

  it("parses the pssh-box crate's PlayReady box to the KID and CHECKSUM its test asserts", () => {
    const p = parsePlayReadyPssh(Buffer.from(PSSH_BOX_CRATE_PLAYREADY.b64, "base64"));
    assert.equal(p.box.version, 0);
    assert.equal(p.header!.kids.length, 1);
    const k = p.header!.kids[0]!;
    // the crate prints the header's value, which is the little-endian GUID: convert ours back to compare
    assert.equal(toLittleEndianGuid(k.kid).toString("base64"), PSSH_BOX_CRATE_PLAYREADY.kidB64);
    assert.equal(k.checksum, PSSH_BOX_CRATE_PLAYREADY.checksum);
    assert.equal(k.algid, "AESCTR");
  });

  it("writes 4.1.0.0, 4.2.0.0 and 4.3.0.0 in the documented shapes, attributes alphabetical, explicit closing tags", () => {
    const k1 = hex("00112233445566778899aabbccddeeff");
    const k2 = hex("ffeeddccbbaa99887766554433221100");
    const key = hex("0102030405060708090a0b0c0d0e0f10");
    const v41 = wrmHeader({
      version: "4.1.0.0",
      keys: [{ kid: k1, key, algid: "AESCTR" }],
      decryptorSetup: "ONDEMAND",
    });
    assert.match(
      v41,
      /^<WRMHEADER xmlns="http:\/\/schemas\.microsoft\.com\/DRM\/2007\/03\/PlayReadyHeader" version="4\.1\.0\.0"><DATA><PROTECTINFO><KID ALGID="AESCTR" CHECKSUM="[^"]+" VALUE="MyIRAFVEd2aImaq7zN3u\/w=="><\/KID><\/PROTECTINFO><DECRYPTORSETUP>ONDEMAND<\/DECRYPTORSETUP><\/DATA><\/WRMHEADER>$/,
    );
    const v42 = wrmHeader({
      version: "4.2.0.0",
      keys: [
        { kid: k1, algid: "AESCTR" },
        { kid: k2, algid: "AESCTR" },
      ],
    });
    assert.match(
      v42,
      /<PROTECTINFO><KIDS><KID ALGID="AESCTR" VALUE="[^"]+"><\/KID><KID ALGID="AESCTR" VALUE="[^"]+"><\/KID><\/KIDS><\/PROTECTINFO>/,
    );
    const v43 = wrmHeader({ version: "4.3.0.0", keys: [{ kid: k1, key, algid: "AESCBC" }] });
    assert.match(v43, /<KIDS><KID ALGID="AESCBC" VALUE="MyIRAFVEd2aImaq7zN3u\/w=="><\/KID><\/KIDS>/);
    assert.ok(!v43.includes("CHECKSUM"), "no CHECKSUM for AESCBC");
    assert.ok(!/\/>/.test(v41 + v42 + v43), "no self-closing tags");
    // attribute order within every element is alphabetical (namespace declaration first)
    for (const xml of [v41, v42, v43]) {
      for (const m of xml.matchAll(/<([A-Z_]+)((?: [A-Za-z_:]+="[^"]*")+)>/g)) {
        const names = [...m[2]!.matchAll(/ ([A-Za-z_:]+)=/g)].map((a) => a[1]!).filter((n) => n !== "xmlns");
        assert.deepEqual(names, [...names].sort(), `attributes of <${m[1]}>`);
      }
    }
  });

  it("builds a header an independent XML parser reads with the right namespace and fields", () => {
    const xml = wrmHeader({
      version: "4.3.0.0",
      keys: [{ kid: hex("9eb4050de44b4802932e27d75083e266"), algid: "AESCBC" }],
      laUrl: 'https://lic.example/pr?a=1&b="2"<x>',
      luiUrl: "https://lui.example/",
      dsId: "AH+03juKbUGbHl1V/QIwRA==",
      customAttributes: "<CONTENTID>movie&amp;1</CONTENTID>",
      decryptorSetup: "ONDEMAND",
    });
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const root = doc.documentElement!;
    assert.equal(root.namespaceURI, NS);
    assert.equal(root.getAttribute("version"), "4.3.0.0");
    const text = (n: string) => doc.getElementsByTagNameNS(NS, n)[0]?.textContent;
    assert.equal(text("LA_URL"), 'https://lic.example/pr?a=1&b="2"<x>');
    assert.equal(text("LUI_URL"), "https://lui.example/");
    assert.equal(text("DS_ID"), "AH+03juKbUGbHl1V/QIwRA==");
    assert.equal(text("CONTENTID"), "movie&1");
    assert.equal(text("DECRYPTORSETUP"), "ONDEMAND");
    const back = parseWrmHeader(xml);
    assert.equal(back.kids[0]!.kid.toString("hex"), "9eb4050de44b4802932e27d75083e266");
    assert.equal(back.kids[0]!.algid, "AESCBC");
    assert.equal(back.laUrl, 'https://lic.example/pr?a=1&b="2"<x>');
    assert.equal(back.customAttributes, "<CONTENTID>movie&amp;1</CONTENTID>");
  });

  it("refuses what a version cannot express and unsafe input", () => {
    const k = { kid: Buffer.alloc(16, 1), algid: "AESCTR" as const };
    assert.throws(
      () => wrmHeader({ version: "4.0.0.0", keys: [k, { ...k, kid: Buffer.alloc(16, 2) }] }),
      code("PLAYREADY_HEADER_VERSION"),
    );
    assert.throws(
      () => wrmHeader({ version: "4.2.0.0", keys: [{ ...k, algid: "AESCBC" }] }),
      code("PLAYREADY_HEADER_VERSION"),
    );
    assert.throws(
      () => wrmHeader({ version: "4.0.0.0", keys: [k], decryptorSetup: "ONDEMAND" }),
      code("PLAYREADY_HEADER_VERSION"),
    );
    assert.throws(() => wrmHeader({ version: "4.2.0.0", keys: [] }), code("PLAYREADY_HEADER_INVALID"));
    assert.throws(
      () => wrmHeader({ version: "4.2.0.0", keys: [k], customAttributes: "<a>" }),
      code("PLAYREADY_HEADER_INVALID"),
    );
    assert.throws(
      () => wrmHeader({ version: "4.2.0.0", keys: [k], customAttributes: '<!DOCTYPE x [<!ENTITY e "x">]><a>&e;</a>' }),
      code("PLAYREADY_HEADER_INVALID"),
    );
    assert.throws(() => wrmHeader({ version: "4.2.0.0", keys: [k], laUrl: "http://x/\u0001" }), code("XML_INVALID"));
    assert.throws(() => wrmHeader({ version: "5.0.0.0" as "4.0.0.0", keys: [k] }), code("PLAYREADY_HEADER_VERSION"));
  });
});

describe("drm/playready PRO and PSSH", () => {
  it("lays out the PRO little-endian with one UTF-16LE type-1 record", () => {
    const xml = CPIX_PACKAGE_VECTOR.wrmHeader42;
    const pro = playReadyObject(xml);
    const value = Buffer.from(xml, "utf16le");
    assert.equal(pro.length, value.length + 10);
    assert.equal(pro.readUInt32LE(0), pro.length);
    assert.equal(pro.readUInt16LE(4), 1);
    assert.equal(pro.readUInt16LE(6), 1);
    assert.equal(pro.readUInt16LE(8), value.length);
    assert.deepEqual(pro.subarray(10), value);
    const back = parsePlayReadyObject(pro);
    assert.equal(back.wrmHeader, xml);
  });

  it("builds a v1 PlayReady PSSH with big-endian KIDs in the box and parses it back", () => {
    const kid = kidFromUuid(CPIX_PACKAGE_VECTOR.kid);
    const pro = playReadyObject(CPIX_PACKAGE_VECTOR.wrmHeader42);
    const box = parsePssh(playReadyPssh({ pro, kids: [kid] }));
    assert.equal(box.version, 1);
    assert.equal(box.systemId, SYSTEM_IDS.playready);
    assert.deepEqual(box.kids, [kid]);
    assert.deepEqual(box.data, pro);
    assert.equal(parsePssh(playReadyPssh({ pro })).version, 0);
    assert.deepEqual(parsePssh(playReadyPssh({ pro, kids: [kid], version: 0 })).kids, []);
  });

  it("refuses malformed PlayReady Objects", () => {
    const pro = playReadyObject(CPIX_PACKAGE_VECTOR.wrmHeader42);
    const bad = (f: (b: Buffer) => Buffer) => () => parsePlayReadyObject(f(Buffer.from(pro)));
    const c = code("PLAYREADY_OBJECT_INVALID");
    assert.throws(
      bad((b) => b.subarray(0, 5)),
      c,
    );
    assert.throws(
      bad((b) => {
        b.writeUInt32LE(b.length + 1, 0);
        return b;
      }),
      c,
    );
    assert.throws(
      bad((b) => {
        b.writeUInt16LE(2, 4);
        return b;
      }),
      c,
    );
    assert.throws(
      bad((b) => {
        b.writeUInt16LE(0xffff, 8);
        return b;
      }),
      c,
    );
    assert.throws(
      bad((b) => {
        const x = Buffer.concat([b, Buffer.alloc(1)]);
        x.writeUInt32LE(x.length, 0);
        return x;
      }),
      c,
    );
    assert.throws(() => playReadyPssh({ pro: Buffer.from("nope") }), c);
    assert.throws(() => playReadyObject("x".repeat(8000)), c);
  });
});
