/**
 * Strict base64url (RFC 4648 §5, no padding), the one canonical decoder: tokens, vendor JWS signatures, KIDs, secrets. Base64url is malleable: the last character of a segment may carry unused
 * bits, so two different strings can decode to the same bytes. Anything that counts or compares tokens decodes first,
 * and non-canonical encodings are refused outright.
 */
const B64URL_RE = /^[A-Za-z0-9_-]*$/;
/** The characters whose value has its low 4 bits clear (A=0, Q=16, g=32, w=48), and its low 2 bits clear. */
const LOW4_CLEAR = /[AQgw]$/;
const LOW2_CLEAR = /[AEIMQUYcgkosw048]$/;

/**
 * True when `s` is canonical unpadded base64url: only the alphabet, a length that is not 1 mod 4, and no bits set in
 * the last character beyond the final byte (a 2-character tail carries 8 bits in 12, a 3-character tail 16 in 18).
 * Those are exactly the strings for which decode-then-encode gives `s` back, checked without the round trip.
 */
export function isCanonicalBase64url(s: string): boolean {
  if (typeof s !== "string" || !B64URL_RE.test(s)) return false;
  const tail = s.length % 4;
  return tail === 0 || (tail === 2 ? LOW4_CLEAR.test(s) : tail === 3 && LOW2_CLEAR.test(s));
}

/** Decodes unpadded base64url; returns undefined unless the text is the one canonical encoding of its bytes. */
export function decodeCanonicalBase64url(s: string): Buffer | undefined {
  return isCanonicalBase64url(s) ? Buffer.from(s, "base64url") : undefined;
}
