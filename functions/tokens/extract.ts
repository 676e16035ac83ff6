/**
 * Where viewer tokens come from: `Authorization: Bearer <t>` (RFC 6750), `Authorization: Bearer=<t>` (legacy Azure Media
 * Services players) and the `token` query parameter (HLS players that cannot set headers). The header wins when both
 * are present. Tokens are capped in size and never logged.
 */
import { tokenError } from "./errors";

export const MAX_TOKEN_LENGTH = 16 * 1024;
/** `Bearer <token>` (RFC 6750) or `Bearer=<token>` (legacy AMS players), surrounding whitespace ignored. */
const BEARER = /^\s*Bearer( +|=)(\S+)\s*$/i;
const BLANK = /^\s*$/;

/** What `extractToken` needs from a request; Hono's `c.req` satisfies it. */
export interface TokenSource {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
}

export type TokenLocation = "authorization" | "authorization-legacy" | "query";

export interface ExtractedToken {
  token: string;
  from: TokenLocation;
}

/** Finds the viewer token or returns undefined when the request carries none. Throws TOKEN_MALFORMED for an unusable one. */
export function findToken(req: TokenSource): ExtractedToken | undefined {
  const auth = req.header("authorization");
  if (auth !== undefined && !BLANK.test(auth)) {
    const m = BEARER.exec(auth);
    if (!m) throw tokenError("TOKEN_MALFORMED", "Authorization header must be `Bearer <token>`");
    return { token: check(m[2]!), from: m[1] === "=" ? "authorization-legacy" : "authorization" };
  }
  const q = req.query("token");
  if (q !== undefined && q !== "") return { token: check(q), from: "query" };
  return undefined;
}

/** The token for this request; throws TOKEN_MISSING (401) when there is none. */
export function extractToken(req: TokenSource): string {
  const t = findToken(req);
  if (!t)
    throw tokenError(
      "TOKEN_MISSING",
      "A bearer token is required (Authorization: Bearer <token>, Bearer=<token> or ?token=)",
    );
  return t.token;
}

function check(token: string): string {
  if (token.length > MAX_TOKEN_LENGTH)
    throw tokenError("TOKEN_MALFORMED", `Token exceeds ${MAX_TOKEN_LENGTH} characters`);
  return token;
}
