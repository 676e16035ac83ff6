/**
 * Safe XML loading for AMS documents (the shared strict parser with the AMS error code and byte cap) and DOM helpers.
 */
import type { Document, Element } from "@xmldom/xmldom";
import { KeyplaneError } from "../../errors";
import { parseXmlStrict } from "../../xml/strict";

/** AMS token templates are a few KiB; anything beyond this is refused before parsing. */
export const MAX_AMS_XML_BYTES = 64 * 1024;

export function amsXmlError(message: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError("AMS_XML_INVALID", message, { status: 400, cause });
}

/** Parses XML text, refusing DTDs, entity declarations, oversize input and malformed documents (functions/xml/strict.ts). */
export function parseAmsXml(text: string): Document {
  return parseXmlStrict(text, { code: "AMS_XML_INVALID", maxBytes: MAX_AMS_XML_BYTES, label: "AMS XML" });
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
    if (
      a &&
      a.localName === "nil" &&
      /^https?:\/\/www\.w3\.org\/2001\/XMLSchema-instance$/.test(a.namespaceURI ?? "") &&
      a.value === "true"
    )
      return true;
  }
  return false;
}

/** The xsi:type attribute value (local part, prefix stripped). */
export function xsiType(el: Element): string | undefined {
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (
      a &&
      a.localName === "type" &&
      /^https?:\/\/www\.w3\.org\/2001\/XMLSchema-instance$/.test(a.namespaceURI ?? "")
    ) {
      const v = a.value;
      return v.includes(":") ? v.slice(v.indexOf(":") + 1) : v;
    }
  }
  return undefined;
}

export function textOf(el: Element): string {
  return (el.textContent ?? "").trim();
}
