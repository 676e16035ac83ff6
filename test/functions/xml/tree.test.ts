/**
 * The strict namespace-resolving XML parser of the SPEKE hot path (functions/xml/tree.ts): what it accepts (checked
 * against @xmldom/xmldom as an independent reader on the public SPEKE samples) and every well-formedness and XML
 * Namespaces 1.0 rule it must refuse (XML 1.0 fifth edition, Namespaces in XML 1.0 third edition).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { DOMParser } from "@xmldom/xmldom";
import { attribute, parseXmlTree, XML_NS, XmlSyntaxError, type XmlElement } from "../../../functions/xml/tree";
import { SPEKE_REQUESTS_DIR, itShared } from "../../support/shared";

function refuses(xml: string, why: RegExp, limits?: Parameters<typeof parseXmlTree>[1]): void {
  assert.throws(
    () => parseXmlTree(xml, limits),
    (e: unknown) => e instanceof XmlSyntaxError && why.test(e.message),
    `${JSON.stringify(xml.slice(0, 120))} should fail with ${why}`,
  );
}

const child = (el: XmlElement, i = 0): XmlElement => el.children[i]!;

describe("xml/tree: accepted documents", () => {
  it("resolves namespaces declared on the root, on inner elements, and the default namespace", () => {
    const r = parseXmlTree(
      '<a:r xmlns:a="urn:a"><a:x/><b:y xmlns:b="urn:b"><b:z/></b:y><w xmlns="urn:d"><v/></w><u/></a:r>',
    );
    assert.deepEqual([r.namespaceURI, r.localName, r.prefix], ["urn:a", "r", "a"]);
    assert.deepEqual([child(r).namespaceURI, child(r).localName], ["urn:a", "x"]);
    assert.deepEqual(
      [child(r, 1).namespaceURI, child(child(r, 1)).namespaceURI, child(child(r, 1)).localName],
      ["urn:b", "urn:b", "z"],
    );
    assert.deepEqual([child(r, 2).namespaceURI, child(child(r, 2)).namespaceURI], ["urn:d", "urn:d"]);
    assert.equal(child(r, 3).namespaceURI, null, "declarations end with their element");
  });

  it("lets inner declarations rebind a prefix and restores the outer binding after the element", () => {
    const r = parseXmlTree('<p:r xmlns:p="urn:one"><p:a xmlns:p="urn:two"><p:b/></p:a><p:c/></p:r>');
    assert.equal(child(r).namespaceURI, "urn:two");
    assert.equal(child(child(r)).namespaceURI, "urn:two");
    assert.equal(child(r, 1).namespaceURI, "urn:one");
    const d = parseXmlTree('<r xmlns="urn:d"><a xmlns=""><b/></a><c/></r>');
    assert.deepEqual(
      [d.namespaceURI, child(d).namespaceURI, child(child(d)).namespaceURI, child(d, 1).namespaceURI],
      ["urn:d", null, null, "urn:d"],
    );
  });

  it("applies a declaration to the element that carries it, whatever the attribute order", () => {
    const r = parseXmlTree('<x:r a="1" x:b="2" xmlns:x="urn:x"/>');
    assert.equal(r.namespaceURI, "urn:x");
    assert.deepEqual(r.nsAttributes, [{ namespaceURI: "urn:x", localName: "b", prefix: "x", value: "2" }]);
  });

  it("keeps unprefixed attributes out of every namespace (the default namespace does not apply to them)", () => {
    const r = parseXmlTree('<r xmlns="urn:d" xmlns:p="urn:p" kid="k" p:kid="other" xml:lang="en"/>');
    assert.deepEqual(
      r.attributes,
      ["kid", "k"],
      "namespace declarations and prefixed attributes are not plain attributes",
    );
    assert.equal(attribute(r, "kid"), "k");
    assert.equal(attribute(r, "p:kid"), undefined);
    assert.equal(attribute(r, "xmlns"), undefined);
    assert.deepEqual(
      r.nsAttributes?.map((a) => [a.namespaceURI, a.localName, a.value]),
      [
        ["urn:p", "kid", "other"],
        [XML_NS, "lang", "en"],
      ],
    );
  });

  it("decodes the five predefined entities and character references in text and attributes", () => {
    const r = parseXmlTree(
      '<r a="&lt;&gt;&amp;&quot;&apos;" b="&#65;&#x42;&#x1F600;&#233;">x &lt;y&gt; &amp;amp; &#x10FFFF;</r>',
    );
    assert.equal(attribute(r, "a"), `<>&"'`);
    assert.equal(attribute(r, "b"), "AB\u{1F600}é");
    assert.equal(r.text, "x <y> &amp; \u{10FFFF}");
    assert.equal(attribute(parseXmlTree(`<r a='say "hi"' b="it's"/>`), "a"), 'say "hi"', "either quote");
  });

  it("reads CDATA sections as text, markup and all, and joins them with surrounding text", () => {
    const r = parseXmlTree("<r>a<![CDATA[<b>&amp;]]]]><![CDATA[>]]>c<!-- skipped --><?pi skipped?>d</r>");
    assert.equal(r.text, "a<b>&amp;]]>cd");
    assert.equal(r.children.length, 0);
    assert.equal(parseXmlTree("<r><![CDATA[]]></r>").text, "");
  });

  it("normalises line ends and attribute whitespace as XML 1.0 requires, and keeps character references", () => {
    const r = parseXmlTree('<r a="x\ty\r\nz&#10;&#9;w">1\r\n2\r3</r>');
    assert.equal(attribute(r, "a"), "x y z\n\tw");
    assert.equal(r.text, "1\n2\n3");
  });

  it("accepts the XML declaration, a BOM, comments, processing instructions and whitespace around the root", () => {
    const r = parseXmlTree(
      "\uFEFF<?xml version='1.0' encoding=\"UTF-8\" standalone='yes' ?>\n<!-- c --><?app data?>\n<r/>\n<!-- end --> ",
    );
    assert.equal(r.localName, "r");
    assert.equal(parseXmlTree('<?xml version="1.0"?><r></r >').localName, "r");
    assert.equal(
      parseXmlTree("<r><?xml-stylesheet href='x'?></r>").localName,
      "r",
      "targets starting with xml- are not the declaration",
    );
  });

  it("accepts non-ASCII names", () => {
    const r = parseXmlTree('<é:données xmlns:é="urn:e" clé="v"><日本/></é:données>');
    assert.deepEqual(
      [r.namespaceURI, r.localName, attribute(r, "clé"), child(r).localName],
      ["urn:e", "données", "v", "日本"],
    );
  });

  itShared(
    "reads every public SPEKE sample the same way as @xmldom/xmldom (names, namespaces, attributes, text)",
    () => {
      const parser = new DOMParser({
        onError: (level: string, msg: string) => {
          if (level !== "warning") throw new Error(msg);
        },
      });
      type Dom = {
        nodeType: number;
        namespaceURI: string | null;
        localName: string;
        childNodes: ArrayLike<Dom>;
        nodeValue: string | null;
        attributes: ArrayLike<{ name: string; namespaceURI: string | null; localName: string; value: string }>;
      };
      const compare = (ours: XmlElement, dom: Dom, path: string) => {
        assert.equal(ours.namespaceURI, dom.namespaceURI ?? null, path);
        assert.equal(ours.localName, dom.localName, path);
        const plain: string[] = [];
        for (let i = 0; i < dom.attributes.length; i++) {
          const a = dom.attributes[i]!;
          if (a.namespaceURI === null && a.name !== "xmlns") plain.push(a.localName, a.value);
        }
        assert.deepEqual(ours.attributes, plain, `${path} attributes`);
        const kids: Dom[] = [];
        let text = "";
        for (let i = 0; i < dom.childNodes.length; i++) {
          const n = dom.childNodes[i]!;
          if (n.nodeType === 1) kids.push(n);
          else if (n.nodeType === 3 || n.nodeType === 4) text += n.nodeValue;
        }
        assert.equal(ours.text, text, `${path} text`);
        assert.equal(ours.children.length, kids.length, `${path} children`);
        kids.forEach((k, i) => {
          compare(ours.children[i]!, k, `${path}/${k.localName}`);
        });
      };
      const files = readdirSync(SPEKE_REQUESTS_DIR);
      assert.ok(files.length >= 10);
      for (const f of files) {
        const xml = readFileSync(`${SPEKE_REQUESTS_DIR}/${f}`, "utf8");
        compare(parseXmlTree(xml), parser.parseFromString(xml, "text/xml").documentElement as unknown as Dom, f);
      }
    },
  );
});

describe("xml/tree: refused documents", () => {
  it("refuses mismatched, unclosed and stray tags", () => {
    refuses("<a></b>", /does not match/);
    refuses("<a><b></a></b>", /does not match/);
    refuses("<p:a xmlns:p='u' xmlns:q='u'></q:a>", /does not match/);
    refuses("<a>", /Unclosed element <a>/);
    refuses("<a><b>text", /Unclosed element <b>/);
    refuses("<a></a></a>", /Only one root|not allowed after/);
    refuses("<a></ab>", /does not match/);
    refuses("<a></a", /Expected ">"/);
    refuses("<a", /Unterminated start tag/);
    refuses("< a/>", /element name/);
  });

  it("refuses undefined entities and bad character references", () => {
    for (const ent of ["&foo;", "&nbsp;", "&constructor;", "&__proto__;", "&;", "&AMP;"])
      refuses(`<r>${ent}</r>`, /Undefined entity/);
    refuses("<r a='&foo;'/>", /Undefined entity/);
    refuses("<r>a & b</r>", /Unterminated entity|Undefined entity/);
    refuses("<r>&amp</r>", /Unterminated entity/);
    for (const ref of [
      "&#0;",
      "&#x0;",
      "&#1;",
      "&#xFFFE;",
      "&#xFFFF;",
      "&#xD800;",
      "&#x110000;",
      "&#99999999999999999999;",
    ])
      refuses(`<r>${ref}</r>`, /not an XML character/);
    for (const ref of ["&#;", "&#x;", "&#X41;", "&#x4G;", "&#-1;", "&# 65;"])
      refuses(`<r>${ref}</r>`, /Invalid character reference/);
  });

  it("refuses any DOCTYPE, also when called without the callers' pre-check", () => {
    refuses('<!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>', /DOCTYPE is not allowed/);
    refuses("<!doctype r><r/>", /DOCTYPE is not allowed/);
    refuses("<r><!DOCTYPE r></r>", /DOCTYPE is not allowed/);
    refuses("<r><!ENTITY x 'y'></r>", /Invalid markup declaration/);
    refuses("<![CDATA[x]]><r/>", /not allowed before the root/);
  });

  it("refuses malformed attributes: unquoted, valueless, duplicated, run together, with a raw <", () => {
    refuses("<r a=1/>", /must be quoted/);
    refuses("<r a/>", /Expected "="/);
    refuses('<r a="1" a="2"/>', /Duplicate attribute a/);
    refuses('<r xmlns:p="u" xmlns:p="v"/>', /Duplicate attribute xmlns:p/);
    refuses('<r xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>', /Duplicate attribute \{urn:x\}a/);
    refuses('<r a="1"b="2"/>', /Expected whitespace before an attribute/);
    refuses('<r a="<"/>', /"<" is not allowed in the value/);
    refuses('<r a="1/>', /Unterminated value|Unterminated start tag/);
    refuses('<r a="1" / >', /Expected "\/>"/);
    assert.equal(attribute(parseXmlTree('<r a="&lt;b&gt;"/>'), "a"), "<b>", "&lt; is the way to write <");
  });

  it("refuses namespace errors: unbound prefixes, empty prefixed declarations, reserved prefixes and names", () => {
    refuses("<p:r/>", /Unbound namespace prefix p/);
    refuses('<r xmlns:p="u"><q:a/></r>', /Unbound namespace prefix q/);
    refuses('<r><a xmlns:p="u"/><p:b/></r>', /Unbound namespace prefix p/);
    refuses("<r p:a='1'/>", /Unbound namespace prefix p on attribute/);
    refuses('<r xmlns:p=""/>', /Empty namespace name for prefix p/);
    refuses('<r xmlns:xmlns="urn:x"/>', /xmlns prefix must not be declared/);
    refuses('<r xmlns:xml="urn:x"/>', /xml prefix is bound/);
    refuses('<r xmlns:x="http://www.w3.org/XML/1998/namespace"/>', /xml prefix is bound/);
    refuses('<r xmlns="http://www.w3.org/2000/xmlns/"/>', /cannot be the default namespace/);
    refuses('<r xmlns:x="http://www.w3.org/2000/xmlns/"/>', /must not be declared/);
    refuses('<xmlns:r xmlns:p="u"/>', /xmlns prefix/);
    refuses('<a:b:c xmlns:a="u"/>', /Invalid qualified name/);
    refuses("<:r/>", /Invalid qualified name/);
    refuses('<r: xmlns:r="u"/>', /Invalid qualified name/);
    refuses('<p:1r xmlns:p="u"/>', /Invalid qualified name/);
    refuses('<r a:b:c="1"/>', /Invalid qualified name/);
    assert.equal(
      parseXmlTree('<r xmlns:xml="http://www.w3.org/XML/1998/namespace"/>').localName,
      "r",
      "xml may be declared with its own URI",
    );
  });

  it("refuses characters XML cannot carry, ]]> in text and -- in comments", () => {
    for (const c of ["\u0000", "\u0001", "\u001f", "\ufffe", "\uffff"]) refuses(`<r>${c}</r>`, /is not allowed in XML/);
    refuses("<r a='\u0007'/>", /is not allowed in XML/);
    refuses("<r>\ud800</r>", /Unpaired surrogate/);
    refuses("<r>\udc00x</r>", /is not allowed in XML|Unpaired/);
    assert.equal(parseXmlTree("<r>\ud83d\ude00</r>").text, "\u{1F600}", "a surrogate pair is one character");
    refuses("<r>a]]>b</r>", /"]]>" is not allowed/);
    refuses("<r><!-- a -- b --></r>", /"--" is not allowed inside a comment/);
    refuses("<r><!-- a ---></r>", /"--" is not allowed inside a comment/);
    refuses("<r><!-- a </r>", /Unterminated comment/);
    refuses("<r><![CDATA[ a </r>", /Unterminated CDATA/);
  });

  it("refuses text, a second root or a misplaced declaration outside the root", () => {
    refuses("", /No root element/);
    refuses("   <!-- only a comment -->", /No root element/);
    refuses("text<r/>", /Text is not allowed before/);
    refuses("<r/>text", /Text is not allowed after/);
    refuses("<r/><r/>", /Only one root element/);
    refuses(' <?xml version="1.0"?><r/>', /XML declaration allowed only at the start/);
    refuses('<r><?xml version="1.0"?></r>', /XML declaration allowed only at the start/);
    refuses('<?XML version="1.0"?><r/>', /XML declaration allowed only at the start/);
    refuses('<?xml version="2.0"?><r/>', /Malformed XML declaration/);
    refuses('<?xml encoding="UTF-8" version="1.0"?><r/>', /Malformed XML declaration/);
    refuses("<?xml?><r/>", /Malformed XML declaration/);
    refuses("<??><r/>", /Processing instruction without a target/);
    refuses("<?a:b c?><r/>", /must not contain a colon/);
    refuses("<?pi<r/>", /Unterminated processing instruction/);
  });

  it("bounds nesting depth and attribute count without recursion", () => {
    const deep = (n: number) => "<a>".repeat(n) + "</a>".repeat(n);
    assert.equal(parseXmlTree(deep(64), { maxDepth: 64 }).localName, "a");
    refuses(deep(65), /nested deeper than 64/, { maxDepth: 64 });
    refuses("<a>".repeat(63) + "<a/>" + "</a>".repeat(63) + "", /nested deeper than 63/, { maxDepth: 63 });
    refuses(deep(200_000), /nested deeper than 256/);
    const attrs = (n: number) => `<r${Array.from({ length: n }, (_, i) => ` a${i}="1"`).join("")}/>`;
    assert.equal(parseXmlTree(attrs(8), { maxAttributes: 8 }).attributes.length, 16);
    refuses(attrs(9), /Too many attributes on <r> \(max 8\)/, { maxAttributes: 8 });
  });

  it("reports the line and column of the problem", () => {
    assert.throws(
      () => parseXmlTree("<r>\n  <a>\n  </b>\n</r>"),
      (e: unknown) => e instanceof XmlSyntaxError && /\(line 3, column 3\)$/.test(e.message) && e.offset === 12,
    );
  });
});
