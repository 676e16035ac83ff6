/**
 * What @hono/node-server hands the app besides the web request: `{ incoming, outgoing }` as the env. On Node, the hot
 * paths read node's own `IncomingMessage` (headers, body) instead of the web `Request` built over it; every other
 * runtime (Lambda, `app.request()` in tests) has no `incoming` and uses the web request.
 */
import type { Context } from "hono";
import type { IncomingMessage } from "node:http";

/** Node's request, when the app is served by @hono/node-server; otherwise undefined. */
export function nodeIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === "function" && typeof incoming.readableDidRead === "boolean" ? incoming : undefined;
}

/**
 * One request header, by lower-case name. On Node it is read from `IncomingMessage.headers` (node's parsed header
 * object: duplicates joined with ", " as fetch does, `set-cookie` an array), which saves building a web `Headers`
 * object per request; elsewhere it is hono's `c.req.header`.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c.env);
  if (!incoming) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}
