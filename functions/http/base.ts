/**
 * The HTTP skeleton every Keyplane app shares: request id, per-request structured logger, a body-size ceiling (413),
 * one log line per request, and one place where errors become statuses. Routes throw `KeyplaneError`; anything else
 * is a 500 with no detail.
 */
import { randomUUID } from "node:crypto";
import { isKeyplaneError } from "../errors";
import type { KeyplaneContext } from "../context";
import type { AppEnv } from "./env";
import { bodyTooLarge, declaredLengthExceeds, DEFAULT_MAX_BODY_BYTES } from "./body";
import { replyJson } from "./reply";
import { App, type Context } from "./router";

const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="keyplane"' };
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BaseAppOptions {
  /** The ceiling for every request body (default 1 MiB); routes may ask for less (functions/http/body.ts). */
  maxBodyBytes?: number;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Fields a route adds to its request's one log line (instead of a line of its own). */
export function noteRequest(c: Context, fields: Record<string, unknown>): void {
  const note = c.get("note");
  c.set("note", note ? { ...note, ...fields } : fields);
}

export function createBaseApp(ctx: KeyplaneContext, opts: BaseAppOptions = {}): App<AppEnv> {
  const app = new App<AppEnv>();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const customCeiling = maxBody !== DEFAULT_MAX_BODY_BYTES;

  app.use("*", async (c, next) => {
    const raw = c.req.raw;
    const incoming = raw.header("x-request-id") ?? raw.header("x-amzn-requestid");
    const requestId = incoming !== undefined && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    c.set("requestId", requestId);
    const log = ctx.logger.child({ requestId });
    c.set("log", log);
    const started = performance.now();

    // Body ceiling: a declared Content-Length over it is refused here, before any route runs. The route's one reader
    // (`readRequestBody`) counts what actually arrives against the smaller of its own cap and this ceiling.
    const method = raw.method;
    if (method === "GET" || method === "HEAD") {
      await next();
    } else if (declaredLengthExceeds(raw.header("content-length"), maxBody)) {
      const e = bodyTooLarge(maxBody);
      c.res = replyJson(c, errorBody(e.code, e.message), e.status);
    } else {
      if (customCeiling) c.set("maxBodyBytes", maxBody);
      await next();
    }

    const res = c.res;
    if (res.headers["X-Request-Id"] !== requestId) c.header("X-Request-Id", requestId);
    if (log.enabled("info")) {
      const note = c.get("note");
      log.info("request", {
        method,
        path: raw.path,
        status: res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        ...note,
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
