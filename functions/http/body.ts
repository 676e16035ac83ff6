/**
 * Capped body reading, for requests (and the upstream responses a proxy buffers): a declared `Content-Length` over the
 * cap is refused before reading; the body is then streamed and counted, and reading stops (the stream is cancelled) as
 * soon as the count passes the cap, so a missing or lying `Content-Length` cannot make us buffer more than the cap.
 */
import { KeyplaneError } from "../errors";

export interface ReadCappedOptions {
  /** The error to throw when the cap is passed (default KeyplaneError BODY_TOO_LARGE, 413). */
  tooLarge?: (maxBytes: number) => Error;
}

export function bodyTooLarge(maxBytes: number): KeyplaneError {
  return new KeyplaneError("BODY_TOO_LARGE", `Request body exceeds ${maxBytes} bytes`, { status: 413 });
}

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

/**
 * A request that buffers its own body (Hono's `c.req`): on @hono/node-server its `arrayBuffer()` reads the socket
 * directly, while touching `c.req.raw.body` materialises a web stream per request. Chunked bodies behind the base app
 * are already cut off at its body cap (functions/http/base.ts), so buffering then counting is bounded there.
 */
export interface BufferedBodySource {
  header(name: string): string | undefined;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Reads a request body of at most `maxBytes`; throws BODY_TOO_LARGE (413) unless `opts.tooLarge` says otherwise.
 * A web `Request` is streamed and counted; a `BufferedBodySource` (Hono's `c.req`, the hot-path choice) is checked on
 * `Content-Length` first and on its actual length after buffering.
 */
export async function readBodyCapped(req: Request | BufferedBodySource, maxBytes: number, opts: ReadCappedOptions = {}): Promise<Buffer> {
  if (!isBuffered(req)) return readStreamCapped(req.body, req.headers.get("content-length"), maxBytes, opts);
  const tooLarge = opts.tooLarge ?? bodyTooLarge;
  if (declaredLengthExceeds(req.header("content-length"), maxBytes)) throw tooLarge(maxBytes);
  const buf = await req.arrayBuffer();
  if (buf.byteLength > maxBytes) throw tooLarge(maxBytes);
  return Buffer.from(buf);
}

function isBuffered(req: Request | BufferedBodySource): req is BufferedBodySource {
  return typeof (req as BufferedBodySource).header === "function";
}
