import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { parseXmlStrict, xmlAttr, xmlText } from "../../../functions/xml/strict";
import { isKeyplaneError } from "../../../functions/errors";

const code = (c: string) => (e: unknown) => isKeyplaneError(e) && e.code === c;

describe("xml/strict", () => {
  it("escapes text and attributes so a parser reads back the original", () => {
    const raw = `a&b<c>"d"\te\nf`;
    const doc = parseXmlStrict(`<r a="${xmlAttr(raw)}">${xmlText(raw)}</r>`);
    assert.equal(doc.documentElement!.getAttribute("a"), raw);
    assert.equal(doc.documentElement!.textContent, raw);
  });

  it("refuses characters XML 1.0 cannot carry", () => {
    assert.throws(() => xmlText("a\u0000b"), code("XML_INVALID"));
    assert.throws(() => xmlAttr("\ud800"), code("XML_INVALID"));
  });

  it("refuses DTDs, entity declarations, malformed and oversized documents", () => {
    assert.throws(() => parseXmlStrict('<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>'), code("XML_INVALID"));
    assert.throws(() => parseXmlStrict('<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>'), code("XML_INVALID"));
    assert.throws(() => parseXmlStrict("<r><a></r>"), code("XML_INVALID"));
    assert.throws(() => parseXmlStrict("<r>&unknown;</r>"), code("XML_INVALID"));
    assert.throws(() => parseXmlStrict("not xml"), code("XML_INVALID"));
    assert.throws(
      () => parseXmlStrict(`<r>${"x".repeat(100)}</r>`, { maxChars: 50, code: "MY_CODE" }),
      code("MY_CODE"),
    );
  });

  it("takes the caller's code, label and byte cap (as the AMS import does) and ignores a leading BOM", () => {
    const ams = { code: "AMS_XML_INVALID", maxBytes: 8, label: "AMS XML" };
    assert.equal(parseXmlStrict("\uFEFF<r/>", ams).documentElement!.localName, "r");
    // 8 characters but 10 UTF-8 bytes: the byte cap applies, not a character count.
    assert.throws(
      () => parseXmlStrict("<r>\u20ac</r>", ams),
      (e: unknown) => code("AMS_XML_INVALID")(e) && /AMS XML is larger than 8 bytes/.test((e as Error).message),
    );
    assert.throws(
      () => parseXmlStrict("<r><a></r>", { ...ams, maxBytes: 1024 }),
      (e: unknown) => code("AMS_XML_INVALID")(e) && /AMS XML is not well-formed/.test((e as Error).message),
    );
  });
});
