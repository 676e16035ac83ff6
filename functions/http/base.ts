/**
 * The HTTP skeleton every Keyplane app shares: request id, per-request structured logger, a body-size cap (413),
 * and one place where errors become statuses. Routes throw `KeyplaneError`; anything else is a 500 with no detail.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { randomUUID } from "node:crypto";
import { isKeyplaneError } from "../errors";
import type { KeyplaneContext } from "../context";
import type { AppEnv } from "./env";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface BaseAppOptions {
  maxBodyBytes?: number;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function createBaseApp(ctx: KeyplaneContext, opts: BaseAppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.use("*", async (c, next) => {
    const incoming = c.req.header("x-request-id") ?? c.req.header("x-amzn-requestid");
    const requestId = incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    c.set("log", ctx.logger.child({ requestId }));
    const started = performance.now();
    await next();
    // Set on the finished response directly: `c.header()` after `next()` rebuilds the Response (about 3x the cost of
    // a small request on @hono/node-server). Responses with immutable headers (proxied upstream answers) fall back.
    try {
      c.res.headers.set("X-Request-Id", requestId);
    } catch {
      c.header("X-Request-Id", requestId);
    }
    c.get("log").info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  });

  const tooLarge = (c: Context<AppEnv>) => c.json(errorBody("BODY_TOO_LARGE", `Request body exceeds ${maxBody} bytes`), 413);
  const streamingLimit = bodyLimit({ maxSize: maxBody, onError: tooLarge });
  // Same decision as hono's bodyLimit, without touching `c.req.raw.body` when the answer is already known: on
  // @hono/node-server that getter materialises a full web Request + ReadableStream per request and pushes the route's
  // `arrayBuffer()` off the direct-read fast path. GET/HEAD carry no body; a Content-Length without
  // Transfer-Encoding is checked as hono does; anything else (chunked uploads) is counted by hono's bodyLimit.
  app.use("*", (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const headers = c.req.raw.headers;
    const length = headers.get("content-length");
    if (length !== null && !headers.has("transfer-encoding")) return parseInt(length || "0", 10) > maxBody ? Promise.resolve(tooLarge(c)) : next();
    return streamingLimit(c, next);
  });

  app.onError((err, c) => {
    if (isKeyplaneError(err)) {
      const status = err.status >= 400 && err.status < 600 ? err.status : 500;
      c.get("log")?.warn("request_failed", { code: err.code, status, ...(err.detail ?? {}) });
      return c.json(errorBody(err.code, err.expose ? err.message : "Internal error"), status as 400);
    }
    c.get("log")?.error("unhandled_error", { error: err });
    return c.json(errorBody("INTERNAL", "Internal error"), 500);
  });

  app.notFound((c) => c.json(errorBody("NOT_FOUND", "No such route"), 404));
  return app;
}
