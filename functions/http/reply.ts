/**
 * Responses for the routes: a plain `{status, headers, body}` with the request id already in the headers, so the base
 * app has nothing left to add.
 */
import type { Context, HeaderRecord, PlainBody, PlainResponse } from "./router";

export type { HeaderRecord };

/** A response with `headers` plus `X-Request-Id` (the caller's header object is not changed). */
export function reply(c: Context, body: PlainBody, status: number, headers: HeaderRecord): PlainResponse {
  const requestId = c.get("requestId");
  return { status, headers: requestId ? { ...headers, "X-Request-Id": requestId } : { ...headers }, body };
}

/** `reply` with a JSON body and `Content-Type: application/json`. */
export function replyJson(c: Context, value: unknown, status = 200, headers: HeaderRecord = {}): PlainResponse {
  const requestId = c.get("requestId");
  const h: HeaderRecord = { "Content-Type": "application/json", ...headers };
  if (requestId) h["X-Request-Id"] = requestId;
  return { status, headers: h, body: JSON.stringify(value) };
}

/** True when a response already carries `X-Request-Id` as `reply` writes it. */
export function hasRequestId(res: { headers: unknown }): boolean {
  const h = res.headers as Record<string, unknown> | undefined;
  return !!h && typeof h === "object" && typeof h["X-Request-Id"] === "string";
}
