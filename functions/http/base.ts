/**
 * The HTTP skeleton every Keyplane app shares: request id, per-request structured logger, a body-size ceiling (413),
 * and one place where errors become statuses. Routes throw `KeyplaneError`; anything else is a 500 with no detail.
 */
import { Hono, type Context } from "hono";
import { randomUUID } from "node:crypto";
import { isKeyplaneError } from "../errors";
import type { KeyplaneContext } from "../context";
import type { AppEnv } from "./env";
import { declaredLengthExceeds, DEFAULT_MAX_BODY_BYTES } from "./body";
import { requestHeader } from "./incoming";
import { hasRequestId, replyJson } from "./reply";

const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="keyplane"' };

export interface BaseAppOptions {
  /** The ceiling for every request body (default 1 MiB); routes may ask for less (functions/http/body.ts). */
  maxBodyBytes?: number;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export function createBaseApp(ctx: KeyplaneContext, opts: BaseAppOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const tooLarge = (c: Context<AppEnv>) => replyJson(c, errorBody("BODY_TOO_LARGE", `Request body exceeds ${maxBody} bytes`), 413);
  const customCeiling = maxBody !== DEFAULT_MAX_BODY_BYTES;

  // One middleware for everything every request needs (each extra middleware layer costs a closure and a promise).
  app.use("*", async (c, next) => {
    const incoming = requestHeader(c, "x-request-id") ?? requestHeader(c, "x-amzn-requestid");
    const requestId = incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    const log = ctx.logger.child({ requestId });
    c.set("log", log);
    const started = performance.now();

    // Body ceiling: a declared Content-Length over it is refused here, before any route runs. The body itself is not
    // wrapped: the route's one reader (`readRequestBody`) counts what actually arrives (chunked uploads, lying
    // lengths) against the smaller of its own cap and this ceiling.
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") {
      await next();
    } else if (declaredLengthExceeds(requestHeader(c, "content-length"), maxBody)) {
      c.res = tooLarge(c);
    } else {
      if (customCeiling) c.set("maxBodyBytes", maxBody);
      await next();
    }

    const res = c.res;
    // Responses from reply.ts carry the id already (and keep their fast plain-object headers). Otherwise set it on the
    // finished response directly: `c.header()` after `next()` rebuilds the Response. Responses with immutable headers
    // (proxied upstream answers) fall back to that.
    if (!hasRequestId(res)) {
      try {
        res.headers.set("X-Request-Id", requestId);
      } catch {
        c.header("X-Request-Id", requestId);
      }
    }
    if (log.enabled("info")) {
      log.info("request", {
        method,
        path: c.req.path,
        status: res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
    }
  });

  app.onError((err, c) => {
    if (isKeyplaneError(err)) {
      const status = err.status >= 400 && err.status < 600 ? err.status : 500;
      c.get("log")?.warn("request_failed", { code: err.code, status, ...(err.detail ?? {}) });
      // A refused bearer token tells the client how to authenticate (RFC 6750 §3).
      const challenge = status === 401 && err.code.startsWith("TOKEN_") ? BEARER_CHALLENGE : undefined;
      return replyJson(c, errorBody(err.code, err.expose ? err.message : "Internal error"), status, challenge);
    }
    c.get("log")?.error("unhandled_error", { error: err });
    return replyJson(c, errorBody("INTERNAL", "Internal error"), 500);
  });

  app.notFound((c) => replyJson(c, errorBody("NOT_FOUND", "No such route"), 404));
  return app;
}
