/**
 * Safe XML loading for AMS documents: size-capped, no DTD, no entity declarations, any parser error or warning is fatal.
 */
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import { KeyplaneError } from "../../errors";

/** AMS token templates are a few KiB; anything beyond this is refused before parsing. */
export const MAX_AMS_XML_BYTES = 64 * 1024;

export function amsXmlError(message: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError("AMS_XML_INVALID", message, { status: 400, cause });
}

/** Parses XML text, refusing DTDs, entity declarations, oversize input and malformed documents. */
export function parseAmsXml(text: string): Document {
  if (typeof text !== "string") throw amsXmlError("AMS XML must be a string");
  if (Buffer.byteLength(text, "utf8") > MAX_AMS_XML_BYTES) throw amsXmlError(`AMS XML is larger than ${MAX_AMS_XML_BYTES} bytes`);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw amsXmlError("AMS XML must not contain a DTD or entity declarations");
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        throw amsXmlError(`AMS XML is not well-formed (${level}): ${msg.split("\n")[0]}`);
      },
    }).parseFromString(text.replace(/^\uFEFF/, ""), "text/xml");
  } catch (e) {
    if (e instanceof KeyplaneError) throw e;
    const inner = (e as { cause?: unknown })?.cause;
    if (inner instanceof KeyplaneError) throw inner;
    throw amsXmlError(`AMS XML is not well-formed: ${e instanceof Error ? e.message.split("\n")[0] : "parse error"}`, e);
  }
  if (!doc.documentElement) throw amsXmlError("AMS XML has no root element");
  if (doc.doctype) throw amsXmlError("AMS XML must not contain a DTD");
  return doc;
}

/** Element children of `parent` (any namespace) whose local name is `name`. */
export function childElements(parent: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (name === undefined || (n as Element).localName === name)) out.push(n as Element);
  }
  return out;
}

export function firstChild(parent: Element, name: string): Element | undefined {
  return childElements(parent, name)[0];
}

export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

/** `i:nil="true"` (xsi:nil). AMS samples spell the XSI namespace with http or https; both are accepted. */
export function isNil(el: Element): boolean {
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a && a.localName === "nil" && /^https?:\/\/www\.w3\.org\/2001\/XMLSchema-instance$/.test(a.namespaceURI ?? "") && a.value === "true") return true;
  }
  return false;
}

/** The xsi:type attribute value (local part, prefix stripped). */
export function xsiType(el: Element): string | undefined {
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (a && a.localName === "type" && /^https?:\/\/www\.w3\.org\/2001\/XMLSchema-instance$/.test(a.namespaceURI ?? "")) {
      const v = a.value;
      return v.includes(":") ? v.slice(v.indexOf(":") + 1) : v;
    }
  }
  return undefined;
}

export function textOf(el: Element): string {
  return (el.textContent ?? "").trim();
}
