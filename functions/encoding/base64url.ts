/**
 * Strict base64url (RFC 4648 §5, no padding), the one canonical decoder: tokens, vendor JWS signatures, KIDs, secrets. Base64url is malleable: the last character of a segment may carry unused
 * bits, so two different strings can decode to the same bytes. Anything that counts or compares tokens decodes first,
 * and non-canonical encodings are refused outright.
 */
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

/** Decodes unpadded base64url; returns undefined unless the text is the one canonical encoding of its bytes. */
export function decodeCanonicalBase64url(s: string): Buffer | undefined {
  if (typeof s !== "string" || s.length % 4 === 1 || !B64URL_RE.test(s)) return undefined;
  const b = Buffer.from(s, "base64url");
  return b.toString("base64url") === s ? b : undefined;
}

/** True when `s` is canonical unpadded base64url. */
export function isCanonicalBase64url(s: string): boolean {
  return decodeCanonicalBase64url(s) !== undefined;
}
