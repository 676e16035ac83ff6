/** What the delivery routes read from a request alike: a JSON body, the viewer token, and their 400s. */
import type { Context } from "../http/router";
import type { AppEnv } from "../http/env";
import { requestHeader } from "../http/incoming";
import { KeyplaneError } from "../errors";
import { findToken } from "../tokens/extract";

/** Key responses and tokens are never cached. */
export const NO_STORE = "no-store";

export function badRequest(code: string, message: string): KeyplaneError {
  return new KeyplaneError(code, message, { status: 400 });
}

/** The viewer token of a request, if any (Authorization header first, then `?token=`). */
export function viewerToken(c: Context<AppEnv>): string | undefined {
  return findToken({ header: (name) => requestHeader(c, name), query: (name) => c.req.query(name) })?.token;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("BODY_INVALID", "Request body must be JSON");
  }
}
