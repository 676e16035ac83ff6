/**
 * What the node:http adapter hands the app besides the plain request: `{ incoming, outgoing }` as the env.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "./router";

/** Node's request, when the app is served by the node:http adapter; otherwise undefined. */
export function nodeIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === "function" && typeof incoming.readableDidRead === "boolean"
    ? incoming
    : undefined;
}

/**
 * One request header, by lower-case name (duplicates joined with ", " as fetch does). Every runtime's plain request
 * answers it directly (node's parsed header object on node:http).
 */
export function requestHeader(c: Context, name: string): string | undefined {
  return c.req.raw.header(name);
}
