/**
 * (Size: over 300 lines on purpose: one single-pass parser whose checks share one cursor and one namespace scope
 * stack; split, the hot loop would cross module boundaries.)
 * A strict, namespace-resolving XML 1.0 parser for small request documents (the SPEKE / CPIX hot path): text in,
 * a minimal element tree out (namespace URI, local name, attributes without namespace, element children, direct
 * character data). One idea: walk the text once with `indexOf` / `charCodeAt`, check well-formedness and XML
 * Namespaces 1.0 as it goes, throw `XmlSyntaxError` on the first violation, build nothing else.
 *
 * Why not a library: xmldom took most of a SPEKE request's in-process CPU, and on the SPEKE request body this parser,
 * with every check below, is several times faster than xmldom, fast-xml-parser and saxes; txml comes closer but is lax
 * (no well-formedness or namespace checks). The measurements: docs/performance.md ("Figures behind design choices").
 *
 * Rules (all violations are errors; nothing is repaired):
 * - Accepted: an optional XML declaration at offset 0 (version 1.x, optional encoding / standalone, in that order),
 *   comments and processing instructions anywhere outside tags, exactly one root element, CDATA sections inside
 *   elements, the five predefined entities and decimal / hex character references (to legal XML characters only).
 * - Refused: any `<!DOCTYPE` (callers also refuse DTD markup before parsing), any other entity reference, `<` in
 *   attribute values, unquoted or duplicate attributes (same qualified name, or same namespace + local name), missing
 *   whitespace between attributes, mismatched or unclosed tags, `]]>` in character data, `--` inside comments,
 *   `<?xml` anywhere but offset 0, characters outside the XML 1.0 `Char` production (controls, U+FFFE/U+FFFF, lone
 *   surrogates), malformed names, text or markup outside the root element, nesting deeper than `maxDepth`, more than
 *   `maxAttributes` attributes on one element.
 * - Namespaces: elements and attributes resolve prefixes in scope (declarations on any element, inner ones shadow
 *   outer ones, `xmlns=""` undeclares the default namespace); unbound prefixes, `xmlns:p=""`, names with more than one
 *   colon, declaring `xmlns`, binding `xml` to anything but its URI or its URI to another prefix, and binding the
 *   `xmlns` URI are errors. Unprefixed attributes have no namespace (the default namespace does not apply to them).
 * - Line ends are normalised (CR LF and lone CR become LF) and attribute values are normalised as CDATA attributes
 *   (literal tab / LF become spaces; character references are kept), as XML 1.0 requires. A leading BOM is skipped.
 */

export const XML_NS = "http://www.w3.org/XML/1998/namespace";
export const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

export interface XmlElement {
  /** Namespace URI, or null when the element is in no namespace. */
  readonly namespaceURI: string | null;
  readonly localName: string;
  /** The prefix as written (null when unprefixed). Informational only: match on `namespaceURI` + `localName`. */
  readonly prefix: string | null;
  /** Attributes in no namespace, flattened as [localName, value, localName, value, ...] in document order. */
  readonly attributes: string[];
  /** Namespace-qualified attributes (e.g. `xml:lang`, `xsi:type`), or null when there are none. */
  readonly nsAttributes: XmlNsAttribute[] | null;
  /** Element children in document order. */
  readonly children: XmlElement[];
  /** The element's direct character data (text and CDATA sections, entities decoded), untrimmed. */
  text: string;
}

export interface XmlNsAttribute {
  readonly namespaceURI: string;
  readonly localName: string;
  readonly prefix: string;
  readonly value: string;
}

export interface XmlTreeLimits {
  /** Maximum element nesting depth (the root is depth 1; default 256). */
  maxDepth?: number;
  /** Maximum attributes (namespace declarations included) on one element (default 256). */
  maxAttributes?: number;
}

export class XmlSyntaxError extends Error {
  /** Offset in the (line-end-normalised) text where the problem was found. */
  readonly offset: number;
  constructor(reason: string, offset: number, line: number, column: number) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = "XmlSyntaxError";
    this.offset = offset;
  }
}

/** Returns the value of the attribute `name` in no namespace, or undefined. */
export function attribute(el: XmlElement, name: string): string | undefined {
  const a = el.attributes;
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

// Character classes --------------------------------------------------------------------------------------------

/** Anything outside tab / LF / CR / U+0020-U+D7FF / U+E000-U+FFFD needs a closer look (surrogates) or is illegal. */
const MAYBE_ILLEGAL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd]/;

// ASCII name characters: 1 = may start a name, 2 = may continue a name. ':' is handled by the QName split.
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) ASCII_NAME[c] = 3;
  else if (/[0-9.-]/.test(ch)) ASCII_NAME[c] = 2;
}

function isNameStartCode(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0xeffff)
  );
}

function isNameCode(c: number): boolean {
  return isNameStartCode(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

function isXmlCharCode(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

// biome-ignore lint/suspicious/noConstEnum: character codes inlined by the compiler on the SPEKE parser's hot path; never exported
const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  BANG = 33,
  DQUOTE = 34,
  HASH = 35,
  AMP = 38,
  SQUOTE = 39,
  DASH = 45,
  SLASH = 47,
  COLON = 58,
  SEMI = 59,
  LT = 60,
  EQ = 61,
  GT = 62,
  QUESTION = 63,
  LBRACKET = 91,
  RBRACKET = 93,
}

function isSpace(c: number): boolean {
  return c === C.SPACE || c === C.LF || c === C.TAB || c === C.CR;
}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
/** XML 1.0 production [23] XMLDecl, with S = [ \t\n] (CR is normalised away before parsing). */
const XML_DECL_RE =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;

// The parser -----------------------------------------------------------------------------------------------------

/** Parses `input` into its root element. Throws `XmlSyntaxError` when the text is not well-formed, namespace-well-formed XML. */
export function parseXmlTree(input: string, limits: XmlTreeLimits = {}): XmlElement {
  return new Parser(input, limits.maxDepth ?? 256, limits.maxAttributes ?? 256).parse();
}

class Parser {
  private readonly s: string;
  private readonly n: number;
  /** In-scope namespace bindings, innermost last ("" = the default namespace; uri null = undeclared). */
  private readonly nsPrefixes: string[] = ["xml"];
  private readonly nsUris: (string | null)[] = [XML_NS];
  /** Bindings in use in nsPrefixes / nsUris (the arrays are reused, never shrunk: setting `length` is slow in V8). */
  private nsCount = 1;
  // Scratch arrays for one start tag's attributes.
  private readonly attrNames: string[] = [];
  private readonly attrValues: string[] = [];

  constructor(
    input: string,
    private readonly maxDepth: number,
    private readonly maxAttributes: number,
  ) {
    let s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    if (s.indexOf("\r") !== -1) s = s.replace(/\r\n?/g, "\n");
    this.s = s;
    this.n = s.length;
  }

  private fail(reason: string, at: number): never {
    const at2 = Math.max(0, Math.min(at, this.n));
    let line = 1;
    let lineStart = 0;
    for (let i = this.s.indexOf("\n"); i !== -1 && i < at2; i = this.s.indexOf("\n", i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new XmlSyntaxError(reason, at2, line, at2 - lineStart + 1);
  }

  private checkChars(): void {
    const s = this.s;
    const m = MAYBE_ILLEGAL.exec(s);
    if (m === null) return;
    for (let i = m.index; i < this.n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c <= 0xd7ff) continue;
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
        this.fail("Unpaired surrogate (not an XML character)", i);
      }
      if (!isXmlCharCode(c))
        this.fail(`Character U+${c.toString(16).toUpperCase().padStart(4, "0")} is not allowed in XML`, i);
    }
  }

  /** End of the name starting at i (i itself when there is none). Accepts ':' anywhere; QName rules are checked by the caller. */
  private nameEnd(i: number): number {
    const s = this.s;
    let c = s.charCodeAt(i);
    if (c < 128) {
      if (!(ASCII_NAME[c]! & 1)) return i;
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      if (!isNameStartCode(cp)) return i;
      i += cp > 0xffff ? 2 : 1;
    }
    for (;;) {
      c = s.charCodeAt(i); // NaN past the end: falls to codePointAt() === undefined, which is no name character
      if (c < 128) {
        if (!ASCII_NAME[c]) return i;
        i++;
      } else {
        const cp = s.codePointAt(i)!;
        if (!isNameCode(cp)) return i;
        i += cp > 0xffff ? 2 : 1;
      }
    }
  }

  /** Index of the colon of a QName (-1 when unprefixed); refuses names that are not namespace-well-formed. */
  private qnameColon(name: string, at: number): number {
    const colon = name.indexOf(":");
    if (colon === -1) return -1;
    if (colon === 0 || colon === name.length - 1 || name.indexOf(":", colon + 1) !== -1)
      this.fail(`Invalid qualified name "${clip(name)}"`, at);
    const next = name.charCodeAt(colon + 1);
    if (next < 128 ? !(ASCII_NAME[next]! & 1) : !isNameStartCode(name.codePointAt(colon + 1)!))
      this.fail(`Invalid qualified name "${clip(name)}"`, at);
    return colon;
  }

  private skipSpace(i: number): number {
    const s = this.s;
    while (isSpace(s.charCodeAt(i))) i++;
    return i;
  }

  private bind(prefix: string, uri: string | null): void {
    this.nsPrefixes[this.nsCount] = prefix;
    this.nsUris[this.nsCount] = uri;
    this.nsCount++;
  }

  private lookup(prefix: string): string | null | undefined {
    const p = this.nsPrefixes;
    for (let k = this.nsCount - 1; k >= 0; k--) if (p[k] === prefix) return this.nsUris[k];
    return undefined;
  }

  /** Decodes entity and character references in `raw` (which starts at offset `at`). */
  private decode(raw: string, at: number): string {
    let out = "";
    let last = 0;
    for (let a = raw.indexOf("&"); a !== -1; a = raw.indexOf("&", last)) {
      const semi = raw.indexOf(";", a + 1);
      if (semi === -1) this.fail("Unterminated entity reference", at + a);
      const ref = raw.slice(a + 1, semi);
      let ch: string | undefined;
      if (ref.charCodeAt(0) === C.HASH) {
        const hex = ref.charCodeAt(1) === 0x78; // 'x'
        const digits = ref.slice(hex ? 2 : 1);
        if (digits.length > 0 && (hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) {
          const cp = parseInt(digits, hex ? 16 : 10);
          if (isXmlCharCode(cp)) ch = String.fromCodePoint(cp);
          else this.fail(`Character reference &${clip(ref)}; is not an XML character`, at + a);
        } else this.fail(`Invalid character reference &${clip(ref)};`, at + a);
      } else {
        ch = PREDEFINED[ref];
        if (ch === undefined || !Object.hasOwn(PREDEFINED, ref)) {
          this.fail(`Undefined entity &${clip(ref)}; (only the five predefined entities are allowed)`, at + a);
        }
      }
      out += raw.slice(last, a) + ch;
      last = semi + 1;
    }
    return out + raw.slice(last);
  }

  /** Skips a comment or processing instruction at i (outside or inside the root); returns the index after it. */
  private misc(i: number): number {
    const s = this.s;
    if (s.startsWith("<!--", i)) {
      const dd = s.indexOf("--", i + 4);
      if (dd === -1) this.fail("Unterminated comment", i);
      if (s.charCodeAt(dd + 2) !== C.GT) this.fail('"--" is not allowed inside a comment', dd);
      return dd + 3;
    }
    // processing instruction
    const t = this.nameEnd(i + 2);
    if (t === i + 2) this.fail("Processing instruction without a target", i);
    const target = s.slice(i + 2, t);
    if (target.toLowerCase() === "xml") this.fail("XML declaration allowed only at the start of the document", i);
    if (target.indexOf(":") !== -1) this.fail("Processing instruction target must not contain a colon", i);
    const end = s.indexOf("?>", t);
    if (end === -1) this.fail("Unterminated processing instruction", i);
    if (end !== t && !isSpace(s.charCodeAt(t)))
      this.fail("Expected whitespace after the processing instruction target", t);
    return end + 2;
  }

  /** Prolog / epilog: whitespace, comments and processing instructions only. Returns the index of the next `<` that starts something else, or n. */
  private outside(i: number, where: string): number {
    const s = this.s;
    for (;;) {
      i = this.skipSpace(i);
      if (i >= this.n) return i;
      if (s.charCodeAt(i) !== C.LT) this.fail(`Text is not allowed ${where} the root element`, i);
      const c1 = s.charCodeAt(i + 1);
      if (c1 === C.QUESTION || s.startsWith("<!--", i)) {
        i = this.misc(i);
        continue;
      }
      if (c1 === C.BANG) {
        if (/^<!doctype/i.test(s.slice(i, i + 9))) this.fail("DOCTYPE is not allowed", i);
        this.fail(`Markup is not allowed ${where} the root element`, i);
      }
      return i;
    }
  }

  parse(): XmlElement {
    const s = this.s;
    const n = this.n;
    this.checkChars();
    let i = 0;
    if (s.startsWith("<?xml", 0) && (isSpace(s.charCodeAt(5)) || s.startsWith("?>", 5))) {
      const m = XML_DECL_RE.exec(s.slice(0, 256));
      if (!m) this.fail("Malformed XML declaration", 0);
      i = m[0].length;
    }
    i = this.outside(i, "before");
    if (i >= n) this.fail("No root element", i);

    const stack: XmlElement[] = [];
    const qnames: string[] = [];
    const nsMarks: number[] = [];
    for (;;) {
      // s[i] === "<"
      const c1 = s.charCodeAt(i + 1);
      if (c1 === C.SLASH) {
        const top = stack.length - 1;
        if (top < 0) this.fail("End tag without a start tag", i);
        const q = qnames[top]!;
        const e = this.nameEnd(i + 2);
        if (e - (i + 2) !== q.length || !s.startsWith(q, i + 2)) {
          this.fail(`End tag </${clip(s.slice(i + 2, e))}> does not match <${clip(q)}>`, i);
        }
        const gt = this.skipSpace(e);
        if (s.charCodeAt(gt) !== C.GT) this.fail(`Expected ">" to close </${clip(q)}>`, gt);
        i = gt + 1;
        stack.pop();
        qnames.pop();
        this.nsCount = nsMarks.pop()!;
        if (top === 0) break;
      } else if (c1 === C.BANG) {
        if (stack.length === 0) this.fail("Markup is not allowed before the root element", i);
        if (s.startsWith("<!--", i)) i = this.misc(i);
        else if (s.startsWith("<![CDATA[", i)) {
          const end = s.indexOf("]]>", i + 9);
          if (end === -1) this.fail("Unterminated CDATA section", i);
          stack[stack.length - 1]!.text += s.slice(i + 9, end);
          i = end + 3;
        } else if (/^<!doctype/i.test(s.slice(i, i + 9))) this.fail("DOCTYPE is not allowed", i);
        else this.fail("Invalid markup declaration", i);
      } else if (c1 === C.QUESTION) {
        i = this.misc(i);
      } else {
        i = this.startTag(i, stack, qnames, nsMarks);
        if (stack.length === 0) break; // the root was an empty-element tag
      }
      // character data up to the next markup
      const lt = s.indexOf("<", i);
      if (lt === -1) this.fail(`Unclosed element <${clip(qnames[qnames.length - 1]!)}>`, n);
      if (lt > i) {
        const raw = s.slice(i, lt);
        const cdEnd = raw.indexOf("]]>");
        if (cdEnd !== -1) this.fail('"]]>" is not allowed in character data', i + cdEnd);
        stack[stack.length - 1]!.text += raw.indexOf("&") === -1 ? raw : this.decode(raw, i);
      }
      i = lt;
    }
    const after = this.outside(i, "after");
    if (after < n) this.fail("Only one root element is allowed", after);
    return this.root!;
  }

  private root: XmlElement | undefined;

  /** Parses the start tag at i, links the element, pushes it unless it is empty; returns the index after `>`. */
  private startTag(i: number, stack: XmlElement[], qnames: string[], nsMarks: number[]): number {
    const s = this.s;
    const nameStart = i + 1;
    const nameEnd = this.nameEnd(nameStart);
    if (nameEnd === nameStart) this.fail('Expected an element name after "<"', nameStart);
    const qname = s.slice(nameStart, nameEnd);
    const names = this.attrNames;
    const values = this.attrValues;
    let count = 0;
    let j = nameEnd;
    let empty = false;
    for (;;) {
      const k = this.skipSpace(j);
      const c = s.charCodeAt(k);
      if (c === C.GT) {
        j = k + 1;
        break;
      }
      if (c === C.SLASH) {
        if (s.charCodeAt(k + 1) !== C.GT) this.fail('Expected "/>"', k);
        j = k + 2;
        empty = true;
        break;
      }
      if (k >= this.n) this.fail(`Unterminated start tag <${clip(qname)}>`, nameStart - 1);
      if (k === j) this.fail(`Expected whitespace before an attribute in <${clip(qname)}>`, k);
      const an = this.nameEnd(k);
      if (an === k) this.fail(`Invalid attribute name in <${clip(qname)}>`, k);
      const aname = s.slice(k, an);
      let e = this.skipSpace(an);
      if (s.charCodeAt(e) !== C.EQ) this.fail(`Expected "=" after attribute ${clip(aname)}`, e);
      e = this.skipSpace(e + 1);
      const q = s.charCodeAt(e);
      if (q !== C.DQUOTE && q !== C.SQUOTE) this.fail(`Attribute ${clip(aname)} value must be quoted`, e);
      const close = s.indexOf(q === C.DQUOTE ? '"' : "'", e + 1);
      if (close === -1) this.fail(`Unterminated value of attribute ${clip(aname)}`, e);
      let raw = s.slice(e + 1, close);
      if (raw.indexOf("<") !== -1)
        this.fail(`"<" is not allowed in the value of attribute ${clip(aname)}`, e + 1 + raw.indexOf("<"));
      if (raw.indexOf("\n") !== -1 || raw.indexOf("\t") !== -1) raw = raw.replace(/[\t\n]/g, " ");
      const value = raw.indexOf("&") === -1 ? raw : this.decode(raw, e + 1);
      if (count >= this.maxAttributes)
        this.fail(`Too many attributes on <${clip(qname)}> (max ${this.maxAttributes})`, k);
      for (let x = 0; x < count; x++) if (names[x] === aname) this.fail(`Duplicate attribute ${clip(aname)}`, k);
      names[count] = aname;
      values[count] = value;
      count++;
      j = close + 1;
    }

    // Namespace declarations first: they apply to the element's own name and attributes.
    const mark = this.nsCount;
    let regular = 0;
    for (let x = 0; x < count; x++) {
      const a = names[x]!;
      if (a.charCodeAt(0) === 0x78 && a.startsWith("xmlns") && (a.length === 5 || a.charCodeAt(5) === C.COLON)) {
        const uri = values[x]!;
        if (a.length === 5) {
          if (uri === XML_NS || uri === XMLNS_NS)
            this.fail(`The namespace ${uri} cannot be the default namespace`, nameStart);
          this.bind("", uri === "" ? null : uri);
        } else {
          this.qnameColon(a, nameStart);
          const p = a.slice(6);
          if (p === "xmlns") this.fail("The xmlns prefix must not be declared", nameStart);
          if (p === "xml" ? uri !== XML_NS : uri === XML_NS)
            this.fail("The xml prefix is bound to its namespace only", nameStart);
          if (uri === XMLNS_NS) this.fail(`The namespace ${uri} must not be declared`, nameStart);
          if (uri === "") this.fail(`Empty namespace name for prefix ${clip(p)}`, nameStart);
          this.bind(p, uri);
        }
      } else regular++;
    }

    const colon = this.qnameColon(qname, nameStart);
    let uri: string | null;
    let prefix: string | null = null;
    let local = qname;
    if (colon === -1) uri = this.lookup("") ?? null;
    else {
      prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      if (prefix === "xmlns") this.fail("Elements must not have the xmlns prefix", nameStart);
      const u = this.lookup(prefix);
      if (u === undefined || u === null) this.fail(`Unbound namespace prefix ${clip(prefix)}`, nameStart);
      uri = u;
    }

    const attributes: string[] = [];
    let nsAttributes: XmlNsAttribute[] | null = null;
    if (regular > 0) {
      for (let x = 0; x < count; x++) {
        const a = names[x]!;
        const ac = this.qnameColon(a, nameStart);
        if (ac === -1) {
          if (a !== "xmlns") attributes.push(a, values[x]!);
          continue;
        }
        const p = a.slice(0, ac);
        if (p === "xmlns") continue;
        const u = this.lookup(p);
        if (u === undefined || u === null)
          this.fail(`Unbound namespace prefix ${clip(p)} on attribute ${clip(a)}`, nameStart);
        const l = a.slice(ac + 1);
        nsAttributes ??= [];
        for (const o of nsAttributes)
          if (o.namespaceURI === u && o.localName === l)
            this.fail(`Duplicate attribute {${clip(u)}}${clip(l)}`, nameStart);
        nsAttributes.push({ namespaceURI: u, localName: l, prefix: p, value: values[x]! });
      }
    }

    const el: XmlElement = {
      namespaceURI: uri,
      localName: local,
      prefix,
      attributes,
      nsAttributes,
      children: [],
      text: "",
    };
    const depth = stack.length;
    if (depth >= this.maxDepth) this.fail(`Elements nested deeper than ${this.maxDepth}`, nameStart - 1);
    if (depth > 0) stack[depth - 1]!.children.push(el);
    else this.root = el;
    if (empty) this.nsCount = mark;
    else {
      stack.push(el);
      qnames.push(qname);
      nsMarks.push(mark);
    }
    return j;
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
