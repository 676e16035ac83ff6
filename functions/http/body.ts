/**
 * Capped body reading, for requests (and the upstream responses a proxy buffers): a declared `Content-Length` over the
 * cap is refused before reading; the body is then streamed and counted, and reading stops (the stream is cancelled) as
 * soon as the count passes the cap, so a missing or lying `Content-Length` cannot make us buffer more than the cap.
 *
 * Routes read their request body with `readRequestBody(c, cap)` and nothing else touches it (the base app checks a
 * declared `Content-Length` only): so every body has exactly one reader, and that reader counts. On node:http that
 * reader is node's own `IncomingMessage` (`readIncomingCapped`); on Lambda the decoded event body; under
 * `app.request()` (tests) the web request's stream.
 */
import type { Context } from "./router";
import type { IncomingMessage } from "node:http";
import { bodyTooLarge, KeyplaneError } from "../errors";

/** The ceiling for any request body, whatever a route asks for (the base app's default `maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ReadCappedOptions {
  /** The error to throw when the cap is passed (default KeyplaneError BODY_TOO_LARGE, 413). */
  tooLarge?: (maxBytes: number) => Error;
}

/** The one BODY_TOO_LARGE (413) error: every reader and the base app's Content-Length check build it here. */
export { bodyTooLarge };

/** True when a `Content-Length` value is a plain decimal number over `maxBytes` (anything else is left to the count). */
export function declaredLengthExceeds(declared: string | null | undefined, maxBytes: number): boolean {
  return typeof declared === "string" && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes;
}

/** Reads a whole stream with a cap; `null` (no body) reads as zero bytes. */
export async function readStreamCapped(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null | undefined,
  maxBytes: number,
  opts: ReadCappedOptions = {},
): Promise<Buffer> {
  const tooLarge = opts.tooLarge ?? bodyTooLarge;
  if (declaredLengthExceeds(declaredLength, maxBytes)) {
    await body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

/** Reads a web `Request` body of at most `maxBytes`; throws BODY_TOO_LARGE (413) unless `opts.tooLarge` says otherwise. */
export function readBodyCapped(req: Request, maxBytes: number, opts: ReadCappedOptions = {}): Promise<Buffer> {
  return readStreamCapped(req.body, req.headers.get("content-length"), maxBytes, opts);
}

function bodyUnreadable(detail: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError("BODY_UNREADABLE", "The request body could not be read", {
    status: 400,
    detail: { reason: detail },
    ...(cause ? { cause } : {}),
  });
}

/**
 * Reads node's request stream with a cap: a declared `Content-Length` over the cap is refused before reading; the
 * chunks are counted and reading stops at the first byte over the cap (the rest is left to the server adapter, which
 * drains a bounded amount after the response and then closes the connection). A client that disconnects mid-body
 * gets BODY_UNREADABLE (400) rather than a promise that never settles. A stream someone already read is refused.
 */
export function readIncomingCapped(
  incoming: IncomingMessage,
  maxBytes: number,
  opts: ReadCappedOptions = {},
): Promise<Buffer> {
  const tooLarge = opts.tooLarge ?? bodyTooLarge;
  if (declaredLengthExceeds(incoming.headers["content-length"], maxBytes)) return Promise.reject(tooLarge(maxBytes));
  if (incoming.readableDidRead || incoming.destroyed) return Promise.reject(bodyUnreadable("already read"));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        stop();
        incoming.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (e: unknown) => {
      stop();
      reject(bodyUnreadable("client error", e));
    };
    const onClose = () => {
      stop();
      reject(bodyUnreadable("connection closed before the body ended"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/**
 * The one way routes read a request body: at most `maxBytes` (and never more than the app's body ceiling), counted
 * whatever `Content-Length` says; BODY_TOO_LARGE (413) unless `opts.tooLarge` says otherwise. The runtime adapter
 * supplies the reader (node's `IncomingMessage` on node:http, the decoded event body on Lambda).
 */
export function readRequestBody(c: Context, maxBytes: number, opts: ReadCappedOptions = {}): Promise<Buffer> {
  const ceiling = c.get("maxBodyBytes") ?? DEFAULT_MAX_BODY_BYTES;
  return c.req.raw.body(Math.min(maxBytes, ceiling), opts);
}
