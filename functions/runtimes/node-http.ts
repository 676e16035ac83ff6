/**
 * The node:http adapter: node's `IncomingMessage` as a `PlainRequest` (headers from node's parsed header object, the
 * body read and counted straight off the stream), the `PlainResponse` written with one `writeHead` + `end`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readIncomingCapped, type ReadCappedOptions } from "../http/body";
import type { Dispatcher, PlainRequest } from "../http/router";

/** What is still read (and thrown away) of a body the app did not read, before the connection is closed instead. */
const MAX_DRAIN_BYTES = 256 * 1024;

class NodePlainRequest implements PlainRequest {
  readonly method: string;
  readonly path: string;
  private readonly search: string;
  private params: URLSearchParams | undefined;
  constructor(private readonly incoming: IncomingMessage) {
    this.method = incoming.method ?? "GET";
    const url = incoming.url ?? "/";
    const q = url.indexOf("?");
    this.path = q < 0 ? url : url.slice(0, q);
    this.search = q < 0 ? "" : url.slice(q + 1);
  }
  query(name: string): string | undefined {
    if (this.search === "") return undefined;
    this.params ??= new URLSearchParams(this.search);
    return this.params.get(name) ?? undefined;
  }
  header(name: string): string | undefined {
    const v = this.incoming.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
  }
  *headerEntries(): Iterable<[string, string]> {
    for (const [k, v] of Object.entries(this.incoming.headers))
      if (v !== undefined) yield [k, Array.isArray(v) ? v.join(", ") : v];
  }
  body(maxBytes: number, opts?: ReadCappedOptions): Promise<Buffer> {
    return readIncomingCapped(this.incoming, maxBytes, opts);
  }
}

/** A `request` listener for `http.createServer` that answers with `app`. */
export function nodeRequestListener(app: Dispatcher): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    app.dispatch(new NodePlainRequest(req), { incoming: req, outgoing: res }).then(
      (r) => {
        // A body the app left unread (refused over its cap, or never looked at): drain a little so the client can read
        // the answer, then close the connection rather than read an unbounded upload.
        const unread = !req.complete;
        const headers = r.headers;
        if (unread) headers.Connection = "close";
        const body = r.body;
        // writeHead sends the head at once, so the length must be in it (or node falls back to chunked encoding).
        if (body !== null && headers["Content-Length"] === undefined) {
          headers["Content-Length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
        }
        res.writeHead(r.status, headers);
        res.end(body ?? undefined);
        if (unread) drain(req);
      },
      (e: unknown) => {
        res.destroy(e as Error);
      },
    );
  };
}

function drain(req: IncomingMessage): void {
  let seen = 0;
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DRAIN_BYTES) req.socket.destroy();
  });
  req.on("error", () => undefined);
  req.resume();
}
