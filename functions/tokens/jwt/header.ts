/**
 * JWT protected headers: the parsed protected header of a JWS, by its exact (canonical) segment, with jose's verdict
 * on it (crit, b64) for the HS256 path (hs256.ts). A deployment sees a handful of distinct headers
 * (`{"alg":"HS256","typ":"JWT"}` and a `kid` or two), so each is decoded, parsed and judged once; the result is frozen
 * and only read. (RS256 tokens go through jose's `jwtVerify`, which judges the header itself.)
 */
import { decodeCanonicalBase64url } from "../../encoding/base64url";
import { tokenError } from "../errors";
import { joseHeaderError } from "./hs256";

export interface ParsedHeader {
  header: Readonly<Record<string, unknown>>;
  /** What jose throws for this header on the HS256 path (`joseHeaderError`), or undefined when it passes. */
  joseError: unknown;
}
const HEADER_CACHE_MAX = 64;
const headerCache = new Map<string, ParsedHeader>();
export function protectedHeader(segment: string): ParsedHeader {
  const cached = headerCache.get(segment);
  if (cached) return cached;
  const bytes = decodeCanonicalBase64url(segment);
  if (!bytes) throw tokenError("TOKEN_MALFORMED", "Token segments must be canonical base64url");
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw tokenError("TOKEN_MALFORMED", "Token header is not JSON");
  }
  if (
    !header ||
    typeof header !== "object" ||
    Array.isArray(header) ||
    typeof (header as { alg?: unknown }).alg !== "string"
  ) {
    throw tokenError("TOKEN_MALFORMED", "Token header has no alg");
  }
  const frozen = Object.freeze(header as Record<string, unknown>);
  const parsed: ParsedHeader = Object.freeze({ header: frozen, joseError: joseHeaderError(frozen) });
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(segment, parsed);
  return parsed;
}
