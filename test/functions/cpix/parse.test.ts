/**
 * CPIX request parsing: namespace (not prefix) matching, the structural 400s, and the XML security rules
 * (no DOCTYPE, no entities: XXE and "billion laughs" documents are refused before parsing; size cap 413).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseCpixRequest, checkCpixBody } from "../../../functions/cpix/parse";
import { isKeyplaneError } from "../../../functions/errors";
import { SPEKE_REQUESTS_DIR, itShared } from "../../support/shared";

const DIR = SPEKE_REQUESTS_DIR;
const CPIX = "urn:dashif:org:cpix";

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (isKeyplaneError(e)) return e.status;
    throw e;
  }
  return 200;
}

const minimal = (inner: string, attrs = ' contentId="c" version="2.3"', prefix = "cpix") =>
  `<${prefix}:CPIX xmlns:${prefix}="${CPIX}"${attrs}>${inner}</${prefix}:CPIX>`;
const KID = "0f083e4e-b831-4a3d-917e-ce78076e54aa";

describe("CPIX request parsing", () => {
  itShared("reads the AWS sample into the typed model", () => {
    const r = parseCpixRequest(readFileSync(`${DIR}/v2-general_2_speke_v1_style_implementation.xml`));
    assert.equal(r.contentId, "test_case_speke_v1_style_request");
    assert.equal(r.version, "2.3");
    assert.equal(r.contentKeys.length, 1);
    assert.equal(r.contentKeys[0]!.kid.toString("hex"), "0f083e4eb8314a3d917ece78076e1234");
    assert.equal(r.contentKeys[0]!.commonEncryptionScheme, "cenc");
    const d = r.drmSystems[0]!;
    assert.equal(d.systemId, "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
    assert.deepEqual(
      [d.pssh, d.contentProtectionData, d.hlsMedia, d.hlsMaster, d.smoothStreaming],
      [true, true, true, true, false],
    );
    assert.deepEqual(r.periods, [{ id: "keyPeriod_2a50937e-4f6d-4794-9e77-f9ed86d4443c", index: 0 }]);
    const u = r.usageRules[0]!;
    assert.equal(u.intendedTrackType, "ALL");
    assert.equal(u.videoFilters.length, 1);
    assert.equal(u.audioFilters.length, 1);
    assert.deepEqual(u.keyPeriodFilters, ["keyPeriod_2a50937e-4f6d-4794-9e77-f9ed86d4443c"]);
  });

  it("matches on namespace URI, not prefix", () => {
    const doc = minimal(
      `<x:ContentKeyList><x:ContentKey kid="${KID}" commonEncryptionScheme="cbcs"/></x:ContentKeyList>`,
      ' contentId="c" version="2.3"',
      "x",
    );
    assert.equal(parseCpixRequest(doc).contentKeys.length, 1);
    const dflt = `<CPIX xmlns="${CPIX}" contentId="c" version="2.3"><ContentKeyList><ContentKey kid="${KID}"/></ContentKeyList></CPIX>`;
    assert.equal(parseCpixRequest(dflt).contentKeys.length, 1);
    const wrongNs = `<cpix:CPIX xmlns:cpix="urn:example:not-cpix"/>`;
    assert.equal(
      status(() => parseCpixRequest(wrongNs)),
      400,
    );
    const foreignChild = minimal(`<o:ContentKeyList xmlns:o="urn:other"/>`);
    assert.equal(
      status(() => parseCpixRequest(foreignChild)),
      400,
    );
  });

  it("refuses DOCTYPE and entity declarations before parsing (XXE, billion laughs)", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${minimal("&x;")}`;
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${minimal("&lol2;")}`;
    const plainDoctype = `<!doctype CPIX>${minimal("")}`;
    for (const d of [xxe, lol, plainDoctype]) {
      assert.throws(
        () => parseCpixRequest(d),
        (e: unknown) => isKeyplaneError(e) && e.status === 400 && /DOCTYPE|entity/i.test(e.message),
      );
    }
    // an undeclared entity reference is malformed XML: 400
    assert.equal(
      status(() => parseCpixRequest(minimal("&foo;"))),
      400,
    );
  });

  it("returns 413 above the size cap for strings and bytes", () => {
    const big = minimal(" ".repeat(1024 * 1024));
    assert.equal(
      status(() => checkCpixBody(big)),
      413,
    );
    assert.equal(
      status(() => checkCpixBody(Buffer.from(big))),
      413,
    );
    assert.equal(
      status(() => checkCpixBody("é".repeat(600 * 1024))),
      413,
      "counts UTF-8 bytes, not characters",
    );
  });

  it("refuses malformed XML, invalid UTF-8 and empty bodies with 400", () => {
    for (const b of ["", "   ", "<cpix:CPIX", "not xml", "<a></b>"])
      assert.equal(
        status(() => parseCpixRequest(b)),
        400,
        b,
      );
    assert.equal(
      status(() => parseCpixRequest(Buffer.from([0x3c, 0xff, 0xfe, 0x3e]))),
      400,
    );
  });

  it("refuses missing and malformed attributes with 400", () => {
    const cases = [
      minimal(`<cpix:ContentKeyList><cpix:ContentKey/></cpix:ContentKeyList>`),
      minimal(`<cpix:ContentKeyList><cpix:ContentKey kid="not-a-uuid"/></cpix:ContentKeyList>`),
      minimal(`<cpix:ContentKeyList><cpix:ContentKey kid="${KID}" explicitIV="AAAA"/></cpix:ContentKeyList>`),
      minimal(`<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}"/></cpix:DRMSystemList>`),
      minimal(`<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="widevine"/></cpix:DRMSystemList>`),
      minimal(
        `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cpix:HLSSignalingData playlist="other"/></cpix:DRMSystem></cpix:DRMSystemList>`,
      ),
      minimal(
        `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:VideoFilter maxPixels="lots"/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>`,
      ),
      minimal(
        `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:KeyPeriodFilter/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>`,
      ),
      minimal(`<cpix:ContentKeyList/><cpix:ContentKeyList/>`),
      minimal(`<cpix:Bogus/>`),
      minimal(`<cpix:DeliveryDataList><cpix:DeliveryData/></cpix:DeliveryDataList>`),
    ];
    for (const c of cases)
      assert.equal(
        status(() => parseCpixRequest(c)),
        400,
        c,
      );
  });

  it("caps the number of content keys and DRM systems", () => {
    const keys = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `<cpix:ContentKey kid="0f083e4e-b831-4a3d-917e-${i.toString(16).padStart(12, "0")}"/>`,
      ).join("");
    assert.equal(
      status(() =>
        parseCpixRequest(minimal(`<cpix:ContentKeyList>${keys(3)}</cpix:ContentKeyList>`), { maxContentKeys: 3 }),
      ),
      200,
    );
    assert.equal(
      status(() =>
        parseCpixRequest(minimal(`<cpix:ContentKeyList>${keys(4)}</cpix:ContentKeyList>`), { maxContentKeys: 3 }),
      ),
      400,
    );
    const systems = Array.from(
      { length: 7 },
      () => `<cpix:DRMSystem kid="${KID}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>`,
    ).join("");
    assert.equal(
      status(() =>
        parseCpixRequest(minimal(`<cpix:DRMSystemList>${systems}</cpix:DRMSystemList>`), {
          maxContentKeys: 2,
          maxDrmSystems: 3,
        }),
      ),
      400,
    );
    const four = Array.from(
      { length: 4 },
      () => `<cpix:DRMSystem kid="${KID}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"/>`,
    ).join("");
    assert.equal(
      status(() =>
        parseCpixRequest(minimal(`<cpix:DRMSystemList>${four}</cpix:DRMSystemList>`), {
          maxContentKeys: 64,
          maxDrmSystems: 3,
        }),
      ),
      400,
      "per-KID cap",
    );
    assert.equal(
      status(() =>
        parseCpixRequest(minimal(`<cpix:DRMSystemList>${four}</cpix:DRMSystemList>`), {
          maxContentKeys: 64,
          maxDrmSystems: 4,
        }),
      ),
      200,
    );
  });
});

describe("CPIX request parsing: XML rules of the request reader", () => {
  const malformed = (doc: string, why: RegExp) =>
    assert.throws(
      () => parseCpixRequest(doc),
      (e: unknown) =>
        isKeyplaneError(e) && e.status === 400 && /^Malformed XML: /.test(e.message) && why.test(e.message),
      doc.slice(0, 200),
    );
  const ck = (attrs = "") => `<cpix:ContentKey kid="${KID}"${attrs}/>`;

  it("finds CPIX elements whose namespace is declared on an inner element or as the default namespace", () => {
    const inner = `<r:CPIX xmlns:r="${CPIX}" contentId="c" version="2.3"><k:ContentKeyList xmlns:k="${CPIX}"><k:ContentKey kid="${KID}"/></k:ContentKeyList></r:CPIX>`;
    assert.equal(parseCpixRequest(inner).contentKeys.length, 1);
    const dflt = minimal(`<ContentKeyList xmlns="${CPIX}"><ContentKey kid="${KID}"/></ContentKeyList>`);
    assert.equal(parseCpixRequest(dflt).contentKeys.length, 1);
  });

  it("follows prefix rebinding: a cpix: prefix bound to another URI is not CPIX", () => {
    const rebound = minimal(
      `<cpix:ContentKeyList><cpix:ContentKey xmlns:cpix="urn:other" kid="${KID}"/>${ck()}</cpix:ContentKeyList>`,
    );
    assert.equal(parseCpixRequest(rebound).contentKeys.length, 1, "the foreign element is skipped as an extension");
    const list = minimal(`<cpix:ContentKeyList xmlns:cpix="urn:other"/>`);
    assert.throws(
      () => parseCpixRequest(list),
      (e: unknown) =>
        isKeyplaneError(e) &&
        e.status === 400 &&
        /Unknown element ContentKeyList in namespace urn:other/.test(e.message),
    );
  });

  it("reads attributes without namespace only, with entities and character references decoded", () => {
    const r = parseCpixRequest(
      minimal(
        `<cpix:ContentKeyList>${ck()}</cpix:ContentKeyList>`,
        ' contentId="a&amp;b &lt;c&gt; &#233;&#x1F600;" version="2.3"',
      ),
    );
    assert.equal(r.contentId, "a&b <c> é\u{1F600}");
    const prefixed = minimal(
      `<cpix:ContentKeyList><cpix:ContentKey xmlns:x="urn:x" x:kid="${KID}"/></cpix:ContentKeyList>`,
    );
    assert.throws(
      () => parseCpixRequest(prefixed),
      (e: unknown) => isKeyplaneError(e) && /Missing ContentKey@kid/.test(e.message),
    );
  });

  it("treats KIDs written in different case as the same KID everywhere in the request", () => {
    const upper = KID.toUpperCase();
    const doc = minimal(
      `<cpix:ContentKeyList><cpix:ContentKey kid="${upper}"/></cpix:ContentKeyList>` +
        `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED"/></cpix:DRMSystemList>`,
    );
    const r = parseCpixRequest(doc);
    assert.equal(r.contentKeys[0]!.kidText, upper, "the text is kept as written");
    assert.equal(r.contentKeys[0]!.kidHex, KID.replace(/-/g, ""));
    assert.equal(r.drmSystems[0]!.kidHex, r.contentKeys[0]!.kidHex);
    assert.deepEqual(r.drmSystems[0]!.kid, r.contentKeys[0]!.kid);
    assert.equal(r.drmSystems[0]!.systemId, "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed", "system ids are normalised");
  });

  it("reads CDATA sections and character references in element text", () => {
    const pssh = (inner: string) =>
      minimal(
        `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2"><cpix:PSSH>${inner}</cpix:PSSH></cpix:DRMSystem></cpix:DRMSystemList>`,
      );
    assert.equal(parseCpixRequest(pssh("<![CDATA[AAAA]]>BBBB")).drmSystems[0]!.psshValue, "AAAABBBB");
    assert.equal(parseCpixRequest(pssh("&#65;&#x41;AA")).drmSystems[0]!.psshValue, "AAAA");
  });

  it("answers 400 Malformed XML for documents that are not well-formed", () => {
    malformed(minimal("<cpix:ContentKeyList></cpix:ContentKey>"), /does not match/);
    malformed(minimal("&nbsp;"), /Undefined entity/);
    malformed(minimal("", ' contentId="c" contentId="d" version="2.3"'), /Duplicate attribute contentId/);
    malformed(minimal("", ' contentId="<" version="2.3"'), /"<" is not allowed/);
    malformed(minimal("", ' contentId=c version="2.3"'), /must be quoted/);
    malformed(minimal("<q:ContentKeyList/>"), /Unbound namespace prefix q/);
    malformed(minimal("<![CDATA[x"), /Unterminated CDATA/);
    malformed(minimal("") + "<cpix:CPIX/>", /Only one root/);
    malformed(minimal("\u0001"), /not allowed in XML/);
  });

  it("bounds element nesting (64 levels) with a 400", () => {
    const deep = (n: number) =>
      minimal(
        "<cpix:UpdateHistoryItemList>" +
          '<x:a xmlns:x="urn:x">'.repeat(n) +
          "</x:a>".repeat(n) +
          "</cpix:UpdateHistoryItemList>",
      );
    assert.equal(
      status(() => parseCpixRequest(deep(60))),
      200,
    );
    malformed(deep(70), /nested deeper than 64/);
  });
});

describe("CPIX parsing of pathological text", () => {
  it("rejects long whitespace runs in base64 fields without catastrophic backtracking", () => {
    const pssh = " ".repeat(300_000) + "!";
    const doc = minimal(
      `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cpix:PSSH>${pssh}</cpix:PSSH></cpix:DRMSystem></cpix:DRMSystemList>`,
    );
    assert.equal(
      status(() => parseCpixRequest(doc)),
      400,
    );
    const iv = minimal(
      `<cpix:ContentKeyList><cpix:ContentKey kid="${KID}" explicitIV="${"A ".repeat(200_000)}!"/></cpix:ContentKeyList>`,
    );
    assert.equal(
      status(() => parseCpixRequest(iv)),
      400,
    );
  });

  it("handles deep nesting and many attributes inside the size cap with a 4xx", () => {
    const deep = minimal(
      "<cpix:ContentKeyList>" +
        '<x:a xmlns:x="urn:x">'.repeat(10_000) +
        "</x:a>".repeat(10_000) +
        "</cpix:ContentKeyList>",
    );
    const s = status(() => parseCpixRequest(deep));
    assert.ok(s === 200 || s === 400);
    // too many tags for any legitimate CPIX document: refused before a DOM is built
    const flood = minimal("<cpix:ContentKeyList>" + "<a/>".repeat(40_000) + "</cpix:ContentKeyList>");
    assert.throws(
      () => parseCpixRequest(flood),
      (e: unknown) => isKeyplaneError(e) && e.status === 400 && /markup/.test(e.message),
    );
    const attrs = Array.from({ length: 5000 }, (_, i) => ` a${i}="1"`).join("");
    assert.equal(
      status(() => parseCpixRequest(minimal(`<cpix:ContentKeyList><cpix:ContentKey${attrs}/></cpix:ContentKeyList>`))),
      400,
    );
  });
});
