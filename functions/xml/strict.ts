/**
 * The one hardened XML module: escaping for the XML we write (text and attributes) and a strict parse for the XML we
 * accept (no DTD, no entity declarations, only the five predefined entities, a size cap, any parser error or warning
 * is fatal). Callers choose the error code and the wording via options (e.g. AMS import uses `AMS_XML_INVALID`).
 * functions/cpix/parse.ts keeps its own byte-level pipeline (tuned for speed) but applies the same rules: its
 * pre-parse checks, then functions/xml/tree.ts (a strict namespace-resolving parser, much faster than xmldom there).
 */
import type { Document } from "@xmldom/xmldom";
import { KeyplaneError } from "../errors";

type XmlDom = typeof import("@xmldom/xmldom");
let xmldom: XmlDom | undefined;
/**
 * xmldom, loaded on the first strict parse: the SPEKE path writes XML on every request but parses it with xmldom only
 * for configured PlayReady custom attributes, so a cold start does not evaluate xmldom for nothing.
 */
function loadXmlDom(): XmlDom {
  return (xmldom ??= require("@xmldom/xmldom") as XmlDom);
}

/** DTD markup of any kind (a DOCTYPE, or entity/element/attribute-list/notation declarations) is refused before parsing. */
const DTD_MARKUP = /<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

/** Default cap when neither `maxChars` nor `maxBytes` is given. */
export const DEFAULT_MAX_XML_CHARS = 64 * 1024;

export interface StrictXmlOptions {
  /** Error code for every refusal (default `XML_INVALID`). */
  code?: string;
  /** Maximum length in UTF-16 code units (default 64 Ki when `maxBytes` is not given). */
  maxChars?: number;
  /** Maximum length in UTF-8 bytes. */
  maxBytes?: number;
  /** What the document is called in error messages (default `XML`), e.g. `AMS XML`. */
  label?: string;
}

/** Escapes text content (`&`, `<`, `>`). */
export function xmlText(s: string): string {
  return assertXmlChars(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes a double-quoted attribute value (also `"`, and whitespace controls so they survive normalisation). */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/** Refuses characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
export function assertXmlChars(s: string): string {
  if (typeof s !== "string")
    throw new KeyplaneError("XML_INVALID", "Expected a string for XML content", { status: 400 });
  if (
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
      s,
    )
  ) {
    throw new KeyplaneError("XML_INVALID", "Text contains characters XML cannot represent", { status: 400 });
  }
  return s;
}

/**
 * Parses a small XML document: size-capped before parsing, DTDs and entity declarations refused, a leading BOM
 * ignored, any parser error or warning fatal, a root element required.
 */
export function parseXmlStrict(xml: string, opts: StrictXmlOptions = {}): Document {
  const code = opts.code ?? "XML_INVALID";
  const label = opts.label ?? "XML";
  const fail = (message: string, cause?: unknown) => new KeyplaneError(code, message, { status: 400, cause });
  if (typeof xml !== "string") throw fail(`${label} must be a string`);
  const maxChars = opts.maxChars ?? (opts.maxBytes === undefined ? DEFAULT_MAX_XML_CHARS : undefined);
  if (maxChars !== undefined && xml.length > maxChars) {
    throw fail(`${label} is ${xml.length} characters, larger than the maximum of ${maxChars}`);
  }
  if (opts.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(xml, "utf8");
    if (bytes > opts.maxBytes) throw fail(`${label} is larger than ${opts.maxBytes} bytes`);
  }
  if (DTD_MARKUP.test(xml)) throw fail(`${label} must not contain a DTD or entity declarations`);
  let reported: string | undefined;
  let doc: Document;
  try {
    doc = new (loadXmlDom().DOMParser)({
      onError: (level: string, msg: string) => {
        reported ??= ` (${level}): ${String(msg).split("\n")[0]}`;
        throw new Error(`${level}: ${msg}`);
      },
    }).parseFromString(xml.replace(/^\uFEFF/, ""), "text/xml");
  } catch (e) {
    const why = reported ?? `: ${e instanceof Error ? e.message.split("\n")[0] : "parse error"}`;
    throw fail(`${label} is not well-formed${why}`, e);
  }
  if (!doc.documentElement) throw fail(`${label} has no root element`);
  if (doc.doctype) throw fail(`${label} must not contain a DTD`);
  return doc;
}
