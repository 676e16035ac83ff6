/**
 * The base app over real loopback HTTP: request ids on every kind of response (reply.ts fast path, hono's own
 * responses, errors, 404, 413, immutable proxied responses), the bearer challenge on refused tokens only, and the
 * request log line.
 */
import assert from "node:assert/strict";
import { createBaseApp } from "../../../functions/http/base";
import { reply, replyJson, hasRequestId } from "../../../functions/http/reply";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { KeyplaneError } from "../../../functions/errors";
import { tokenError } from "../../../functions/tokens/errors";

describe("base app", () => {
  const lines: Record<string, unknown>[] = [];
  let server: Listening;
  const shared = { "Cache-Control": "no-store" };

  before(async () => {
    const logger = createLogger({ level: "info", sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const app = createBaseApp(staticContext(KeySeed.generate(), { logger }), { maxBodyBytes: 1024 });
    app.get("/fast", (c) => reply(c, "fast", 200, shared));
    app.get("/json", (c) => replyJson(c, { a: 1 }, 201, { "Cache-Control": "no-store" }));
    app.get("/hono", (c) => c.json({ via: "hono" }));
    app.get("/immutable", async () => fetch(`${server.url}/fast`)); // a proxied answer: fetch responses have immutable headers
    app.get("/token-refused", () => {
      throw tokenError("TOKEN_EXPIRED", "Token has expired");
    });
    app.get("/other-401", () => {
      throw new KeyplaneError("OTHER", "not a bearer token problem", { status: 401 });
    });
    app.get("/boom", () => {
      throw new Error("secret detail");
    });
    app.post("/echo", async (c) => reply(c, await c.req.text(), 200, {}));
    server = await listen(app);
  });
  after(() => server.close());

  it("every response carries X-Request-Id: reply(), hono's c.json, errors, 404, 413 and immutable proxied responses", async () => {
    for (const [path, init, status] of [
      ["/fast", {}, 200],
      ["/json", {}, 201],
      ["/hono", {}, 200],
      ["/immutable", {}, 200],
      ["/token-refused", {}, 401],
      ["/boom", {}, 500],
      ["/nowhere", {}, 404],
      ["/echo", { method: "POST", body: "x".repeat(2048) }, 413],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, init);
      await res.arrayBuffer();
      assert.equal(res.status, status, path);
      assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/, path);
    }
  });

  it("a caller's well-formed request id is echoed; a malformed one is replaced", async () => {
    const ok = await fetch(`${server.url}/fast`, { headers: { "x-request-id": "abc.123:def" } });
    assert.equal(ok.headers.get("x-request-id"), "abc.123:def");
    const bad = await fetch(`${server.url}/fast`, { headers: { "x-request-id": "a b<script>" } });
    assert.match(bad.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("reply() keeps the route's headers, sets the status and never mutates the caller's header object", async () => {
    const a = await fetch(`${server.url}/fast`);
    const b = await fetch(`${server.url}/fast`);
    assert.equal(await a.text(), "fast");
    assert.equal(a.headers.get("cache-control"), "no-store");
    assert.notEqual(a.headers.get("x-request-id"), b.headers.get("x-request-id"));
    assert.deepEqual(shared, { "Cache-Control": "no-store" });
    const j = await fetch(`${server.url}/json`);
    assert.equal(j.status, 201);
    assert.equal(j.headers.get("content-type"), "application/json");
    assert.deepEqual(await j.json(), { a: 1 });
  });

  it("hasRequestId tells reply() responses from others", () => {
    assert.equal(hasRequestId(new Response("x")), false);
  });

  it("a refused token gets WWW-Authenticate: Bearer (RFC 6750 §3); other 401s and other errors do not", async () => {
    const refused = await fetch(`${server.url}/token-refused`);
    assert.equal(refused.headers.get("www-authenticate"), 'Bearer realm="keyplane"');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "TOKEN_EXPIRED");
    const other = await fetch(`${server.url}/other-401`);
    assert.equal(other.status, 401);
    assert.equal(other.headers.get("www-authenticate"), null);
    const boom = await fetch(`${server.url}/boom`);
    assert.equal(boom.headers.get("www-authenticate"), null);
    assert.deepEqual(await boom.json(), { error: { code: "INTERNAL", message: "Internal error" } });
  });

  it("logs one request line per request with method, path, status and the request id", async () => {
    lines.length = 0;
    await (await fetch(`${server.url}/json`, { headers: { "x-request-id": "log-me-1" } })).arrayBuffer();
    const line = lines.find((l) => l.event === "request" && l.requestId === "log-me-1");
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/json");
    assert.equal(line.status, 201);
    assert.equal(typeof line.ms, "number");
  });
});
