/**
 * Request bodies as routes read them (`readRequestBody`), over real loopback HTTP through the node:http adapter, where the
 * reader is node's own IncomingMessage: chunked uploads assembled byte for byte, counted against the route's cap and
 * the app's ceiling whatever Content-Length says, a client that hangs up mid-body, and the web-Request path used
 * by `app.request()` and Lambda.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createBaseApp } from "../../../functions/http/base";
import { readIncomingCapped, readRequestBody } from "../../../functions/http/body";
import { reply } from "../../../functions/http/reply";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { KeyplaneError } from "../../../functions/errors";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";

interface Sent {
  status: number;
  body: string;
}

/** Sends `chunks` as a chunked upload (no Content-Length), pausing between chunks, and collects the answer. */
function upload(url: string, chunks: Buffer[], headers: Record<string, string> = {}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { "content-type": "application/octet-stream", ...headers } },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) =>
      e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e),
    );
    let i = 0;
    const next = () => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i++]);
      setTimeout(next, 5);
    };
    next();
  });
}

/** Marks a promise's rejection as handled now (it is asserted later). */
const quiet = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => undefined);
  return p;
};
const code = (c: string, status: number) => (e: unknown) =>
  e instanceof KeyplaneError && e.code === c && e.status === status;

describe("http/body: readRequestBody over node's IncomingMessage", () => {
  let server: Listening;
  let lastRead: { bytes: number; sha: string } | undefined;

  before(async () => {
    const app = createBaseApp(staticContext(KeySeed.generate(), { logger: createLogger({ level: "error" }) }), {
      maxBodyBytes: 4096,
    });
    app.post("/small", async (c) => {
      const b = await readRequestBody(c, 1000);
      lastRead = { bytes: b.length, sha: createHash("sha256").update(b).digest("hex") };
      return reply(c, String(b.length), 200, {});
    });
    app.post("/big", async (c) => reply(c, String((await readRequestBody(c, 1024 * 1024)).length), 200, {}));
    server = await listen(app);
  });
  after(() => server.close());

  it("assembles a chunked upload of many chunks byte for byte", async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.alloc(100, i + 1));
    const r = await upload(`${server.url}/small`, chunks);
    assert.equal(r.status, 200);
    assert.equal(r.body, "1000");
    assert.equal(lastRead?.sha, createHash("sha256").update(Buffer.concat(chunks)).digest("hex"));
  });

  it("counts a chunked upload against the route's cap: one byte over is 413 BODY_TOO_LARGE", async () => {
    const r = await upload(`${server.url}/small`, [Buffer.alloc(600), Buffer.alloc(401)]);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).error.code, "BODY_TOO_LARGE");
  });

  it("the app's ceiling (maxBodyBytes 4096) bounds a route that asks for more, for chunked uploads too", async () => {
    const r = await upload(`${server.url}/big`, [Buffer.alloc(3000), Buffer.alloc(3000), Buffer.alloc(3000)]);
    assert.equal(r.status, 413);
    const ok = await upload(`${server.url}/big`, [Buffer.alloc(2048), Buffer.alloc(2048)]);
    assert.deepEqual(ok, { status: 200, body: "4096" });
  });

  it("a declared Content-Length over the cap is refused (route cap and app ceiling)", async () => {
    const r = await fetch(`${server.url}/small`, { method: "POST", body: Buffer.alloc(1001) });
    assert.equal(r.status, 413);
    const over = await fetch(`${server.url}/big`, { method: "POST", body: Buffer.alloc(4097) });
    assert.equal(over.status, 413, "base app ceiling");
  });

  it("keeps serving after refusing an upload mid-stream", async () => {
    const r = await upload(
      `${server.url}/small`,
      Array.from({ length: 20 }, () => Buffer.alloc(500)),
    );
    assert.equal(r.status, 413);
    const after = await fetch(`${server.url}/small`, { method: "POST", body: "hello" });
    assert.equal(after.status, 200);
    assert.equal(await after.text(), "5");
  });
});

describe("http/body: readIncomingCapped", () => {
  /** A node:http server whose handler hands each request to `onRequest`. */
  async function serveRaw(
    onRequest: (req: IncomingMessage) => void,
  ): Promise<{ port: number; close: () => Promise<void> }> {
    const s = createServer((req, res) => {
      onRequest(req);
      req.on("close", () => res.destroy());
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return {
      port: (s.address() as AddressInfo).port,
      close: () =>
        new Promise((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    };
  }

  it("a client that disconnects mid-body gets BODY_UNREADABLE (400), not a read that never settles", async () => {
    let result: Promise<Buffer> | undefined;
    let arrived!: () => void;
    const seen = new Promise<void>((r) => {
      arrived = r;
    });
    const srv = await serveRaw((req) => {
      result = quiet(readIncomingCapped(req, 1 << 20));
      arrived();
    });
    try {
      const req = request({ port: srv.port, host: "127.0.0.1", method: "POST", headers: { "content-length": "1000" } });
      req.on("error", () => undefined);
      req.write(Buffer.alloc(10));
      await seen;
      req.destroy();
      await assert.rejects(result!, code("BODY_UNREADABLE", 400));
    } finally {
      await srv.close();
    }
  });

  it("a stream someone already read is refused, not read twice", async () => {
    let result: Promise<Buffer> | undefined;
    const srv = await serveRaw((req) => {
      req.once("data", () => undefined);
      req.once("end", () => {
        result = quiet(readIncomingCapped(req, 100));
      });
    });
    try {
      await new Promise<void>((resolve) => {
        const req = request({ port: srv.port, host: "127.0.0.1", method: "POST" }, () => undefined);
        req.on("error", () => undefined);
        req.end("abc", () => setTimeout(resolve, 50));
      });
      assert.ok(result, "handler ran");
      await assert.rejects(result, code("BODY_UNREADABLE", 400));
    } finally {
      await srv.close();
    }
  });
});

describe("http/body: readRequestBody on a web Request (app.request, Lambda)", () => {
  const app = createBaseApp(staticContext(KeySeed.generate(), { logger: createLogger({ level: "error" }) }));
  app.post("/small", async (c) => reply(c, String((await readRequestBody(c, 10)).length), 200, {}));

  it("reads the body and counts a streamed one with no Content-Length", async () => {
    const ok = await app.request("/small", { method: "POST", body: "0123456789" });
    assert.equal(await ok.text(), "10");
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(8));
        c.enqueue(new Uint8Array(8));
        c.close();
      },
    });
    const over = await app.request("/small", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    assert.equal(over.status, 413);
  });
});
