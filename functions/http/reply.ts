/**
 * Responses for the hot routes, built so that their headers stay a plain object all the way to the socket, with the
 * request id already in them.
 *
 * Why: hono's `c.header()` and `c.json(..., headers)` with more than one header, and any read of `res.headers`,
 * turn the headers into a WHATWG `Headers` object. @hono/node-server then has to convert it back to node's header
 * record on every request. Measured on the benchmark server, that plus the per-request logger was about 40% of the
 * CPU of a small response. A `Response` made here skips all of it: the base app sees that the request id is already
 * set (`hasRequestId`) and does not touch the headers again. On Lambda (hono/aws-lambda) these are ordinary responses.
 */
import type { Context } from "hono";
import type { AppEnv } from "./env";

/** Marks responses made here (a symbol property: a WeakSet entry per response costs more than the rest of `reply`). */
const REQUEST_ID_SET: unique symbol = Symbol("keyplane.requestIdSet");
type Marked = Response & { [REQUEST_ID_SET]?: true };

export type HeaderRecord = Record<string, string>;

/** A response with `headers` plus `X-Request-Id`. */
export function reply(c: Context<AppEnv>, body: string | Uint8Array<ArrayBuffer> | null, status: number, headers: HeaderRecord): Response {
  const requestId = c.get("requestId");
  return requestId ? marked(body, status, { ...headers, "X-Request-Id": requestId }) : new Response(body, { status, headers });
}

/** `reply` with a JSON body and `Content-Type: application/json` (one header object, built once). */
export function replyJson(c: Context<AppEnv>, value: unknown, status = 200, headers: HeaderRecord = {}): Response {
  const body = JSON.stringify(value);
  const requestId = c.get("requestId");
  return requestId
    ? marked(body, status, { "Content-Type": "application/json", ...headers, "X-Request-Id": requestId })
    : new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } });
}

function marked(body: string | Uint8Array<ArrayBuffer> | null, status: number, headers: HeaderRecord): Response {
  const res: Marked = new Response(body, { status, headers });
  res[REQUEST_ID_SET] = true;
  return res;
}

/** True when `res` was made by `reply` (its request id header is already set). */
export function hasRequestId(res: Response): boolean {
  return (res as Marked)[REQUEST_ID_SET] === true;
}
