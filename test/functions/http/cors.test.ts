import { strict as assert } from "node:assert";
import { KeyplaneError } from "../../../functions/errors";
import { createLogger } from "../../../functions/log";
import type { KeyplaneContext } from "../../../functions/context";
import { createBaseApp } from "../../../functions/http/base";
import { cors } from "../../../functions/http/cors";
import { listen, type Listening } from "../../../functions/runtimes/listen";

const PLAYER = "https://player.example.com";
const OTHER = "https://evil.example.net";

function ctx(): KeyplaneContext {
  return {
    seed: () => Promise.reject(new Error("no seed in this test")),
    logger: createLogger({ sink: () => undefined }),
    now: Date.now,
  };
}

async function serveWith(config: Parameters<typeof cors>[0]): Promise<Listening> {
  const app = createBaseApp(ctx());
  app.use("*", cors(config));
  app.get("/thing", (c) => c.json({ ok: true }));
  app.post("/thing", (c) => c.json({ ok: true }));
  app.post("/fails", () => {
    throw new KeyplaneError("TOKEN_MISSING", "No token", { status: 401 });
  });
  app.get("/varied", (c) => {
    c.header("Vary", "Accept-Encoding");
    c.header("Access-Control-Allow-Credentials", "true");
    return c.text("x");
  });
  return listen(app);
}

function preflight(url: string, origin: string, method: string, headers?: string): Promise<Response> {
  const h: Record<string, string> = { Origin: origin, "Access-Control-Request-Method": method };
  if (headers !== undefined) h["Access-Control-Request-Headers"] = headers;
  return fetch(url, { method: "OPTIONS", headers: h });
}

function varyOf(res: Response): string[] {
  return (res.headers.get("vary") ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

describe("http/cors", () => {
  let srv: Listening;
  before(async () => {
    srv = await serveWith({
      allowOrigins: [PLAYER, "http://localhost:8080"],
      allowHeaders: ["X-Custom"],
      maxAgeSeconds: 120,
    });
  });
  after(() => srv.close());

  it("answers an allowed preflight with 204, the origin, methods, Authorization and Content-Type", async () => {
    const res = await preflight(`${srv.url}/thing`, PLAYER, "POST", "authorization, content-type");
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), PLAYER);
    const methods = (res.headers.get("access-control-allow-methods") ?? "").split(",").map((s) => s.trim());
    assert.ok(methods.includes("POST") && methods.includes("GET"));
    const allowed = (res.headers.get("access-control-allow-headers") ?? "")
      .toLowerCase()
      .split(",")
      .map((s) => s.trim());
    assert.ok(allowed.includes("authorization"));
    assert.ok(allowed.includes("content-type"));
    assert.ok(allowed.includes("x-custom"));
    assert.equal(res.headers.get("access-control-max-age"), "120");
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
    assert.ok(varyOf(res).includes("origin"));
  });

  it("refuses a preflight from an origin not on the list with 403 and no CORS headers", async () => {
    const res = await preflight(`${srv.url}/thing`, OTHER, "POST", "authorization");
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    assert.equal(res.headers.get("access-control-allow-methods"), null);
    assert.equal(res.headers.get("access-control-allow-headers"), null);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, "CORS_NOT_ALLOWED");
  });

  it("compares origins exactly (no suffix, prefix, case or trailing-slash tricks)", async () => {
    for (const o of [
      `${PLAYER}.evil.net`,
      "https://xplayer.example.com",
      "HTTPS://PLAYER.EXAMPLE.COM",
      `${PLAYER}/`,
      "http://player.example.com",
      "null",
    ]) {
      const res = await preflight(`${srv.url}/thing`, o, "GET");
      assert.equal(res.status, 403, o);
      assert.equal(res.headers.get("access-control-allow-origin"), null, o);
    }
  });

  it("refuses a preflight asking for a method or header outside the allow-list", async () => {
    assert.equal((await preflight(`${srv.url}/thing`, PLAYER, "DELETE")).status, 403);
    const res = await preflight(`${srv.url}/thing`, PLAYER, "POST", "authorization, x-not-allowed");
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });

  it("adds Access-Control-Allow-Origin and Vary: Origin to actual requests from allowed origins", async () => {
    const res = await fetch(`${srv.url}/thing`, { headers: { Origin: "http://localhost:8080" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "http://localhost:8080");
    assert.ok(varyOf(res).includes("origin"));
    assert.ok((res.headers.get("access-control-expose-headers") ?? "").toLowerCase().includes("x-request-id"));
  });

  it("serves but adds no CORS headers for a disallowed origin, still with Vary: Origin", async () => {
    const res = await fetch(`${srv.url}/thing`, { method: "POST", headers: { Origin: OTHER } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    assert.ok(varyOf(res).includes("origin"));
  });

  it("keeps CORS headers on error responses so the player can read the error", async () => {
    const res = await fetch(`${srv.url}/fails`, { method: "POST", headers: { Origin: PLAYER } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("access-control-allow-origin"), PLAYER);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, "TOKEN_MISSING");
  });

  it("merges Vary with what the route set and strips any credentials grant", async () => {
    const res = await fetch(`${srv.url}/varied`, { headers: { Origin: PLAYER } });
    assert.deepEqual(varyOf(res).sort(), ["accept-encoding", "origin"]);
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
  });

  it("passes an OPTIONS request without Access-Control-Request-Method through (not a preflight)", async () => {
    const res = await fetch(`${srv.url}/thing`, { method: "OPTIONS", headers: { Origin: PLAYER } });
    assert.notEqual(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-methods"), null);
  });

  it("with `*` as the only entry answers `*`, never with credentials", async () => {
    const any = await serveWith({ allowOrigins: ["*"] });
    try {
      const pre = await preflight(`${any.url}/thing`, OTHER, "POST", "Authorization, Content-Type");
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get("access-control-allow-origin"), "*");
      assert.equal(pre.headers.get("access-control-allow-credentials"), null);
      const res = await fetch(`${any.url}/thing`, { headers: { Origin: OTHER } });
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("access-control-allow-credentials"), null);
    } finally {
      await any.close();
    }
  });

  it("refuses bad configurations up front", () => {
    const bad: Parameters<typeof cors>[0][] = [
      { allowOrigins: [] },
      { allowOrigins: ["*", PLAYER] },
      { allowOrigins: ["player.example.com"] },
      { allowOrigins: [`${PLAYER}/`] },
      { allowOrigins: [`${PLAYER}/path`] },
      { allowOrigins: ["null"] },
      { allowOrigins: ["file:///tmp"] },
      { allowOrigins: [PLAYER], allowHeaders: ["bad header"] },
      { allowOrigins: [PLAYER], maxAgeSeconds: -1 },
    ];
    for (const cfg of bad) {
      assert.throws(
        () => cors(cfg),
        (e: unknown) => e instanceof KeyplaneError && e.code === "CORS_CONFIG_INVALID",
        JSON.stringify(cfg),
      );
    }
  });
});
