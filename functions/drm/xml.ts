/**
 * Small XML helpers for the DRM signalling we write and read: escaping for text and attributes, and a hardened
 * parse (no DTD, no entities beyond the five predefined ones, size cap) for the XML fragments we accept back.
 */
import { DOMParser, type Document } from "@xmldom/xmldom";
import { KeyplaneError } from "../errors";

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
  if (typeof s !== "string") throw new KeyplaneError("XML_INVALID", "Expected a string for XML content", { status: 400 });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    throw new KeyplaneError("XML_INVALID", "Text contains characters XML cannot represent", { status: 400 });
  }
  return s;
}

/** Parses a small XML document with no DTD, no processing of entities, refusing anything a parser reports. */
export function parseXmlStrict(xml: string, opts: { maxChars?: number; code?: string } = {}): Document {
  const code = opts.code ?? "XML_INVALID";
  const max = opts.maxChars ?? 64 * 1024;
  if (typeof xml !== "string") throw new KeyplaneError(code, "Expected XML text", { status: 400 });
  if (xml.length > max) throw new KeyplaneError(code, `XML is ${xml.length} characters (max ${max})`, { status: 400 });
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new KeyplaneError(code, "XML with a DTD or entity declarations is refused", { status: 400 });
  try {
    const doc = new DOMParser({
      onError: (level: string, msg: string) => {
        throw new Error(`${level}: ${msg}`);
      },
    }).parseFromString(xml, "text/xml");
    if (!doc.documentElement) throw new Error("no root element");
    return doc;
  } catch (e) {
    throw new KeyplaneError(code, "XML is not well-formed", { status: 400, cause: e });
  }
}
