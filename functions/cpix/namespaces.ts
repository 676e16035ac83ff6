/** XML namespaces of CPIX documents. Elements are matched on these URIs, never on prefixes. */
export const NS = {
  cpix: "urn:dashif:org:cpix",
  pskc: "urn:ietf:params:xml:ns:keyprov:pskc",
  speke: "urn:aws:amazon:com:speke",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  enc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

export type NamespaceUri = (typeof NS)[keyof typeof NS];
