/**
 * CORS for the browser-facing routes (key delivery, token, license proxy). An allow-list of exact origins:
 * - `Origin` is compared byte for byte with the configured origins (scheme://host[:port], no path, no trailing slash).
 * - `*` is accepted only as the single configured entry; credentials (`Access-Control-Allow-Credentials`) are never
 *   granted, so `*` can never be combined with cookies. Players send tokens in `Authorization`, which is allowed.
 * - Preflight (`OPTIONS` with `Access-Control-Request-Method`) answers 204 with the allowed method and headers, or 403
 *   with no CORS headers at all when the origin, method or a requested header is not allowed.
 * - Actual requests from a disallowed origin are still served (CORS is enforced by the browser) but get no CORS headers.
 * - `Vary: Origin` is sent whenever the answer depends on the Origin (every response unless the config is `*`).
 */
import { getHeader, setHeader, type MiddlewareHandler, type PlainResponse } from "./router";
import { KeyplaneError } from "../errors";
import { errorBody } from "./base";
import type { AppEnv } from "./env";

export interface CorsConfig {
  /** Exact origins such as `https://player.example.com`, or `["*"]` alone. */
  allowOrigins: string[];
  /** Request headers a browser may send, in addition to `Authorization` and `Content-Type` (always allowed). */
  allowHeaders?: string[];
  /** How long a browser may cache a preflight answer. Default 600, capped at 86400. */
  maxAgeSeconds?: number;
}

/** Methods the Keyplane browser routes use. */
export const CORS_ALLOWED_METHODS = ["GET", "HEAD", "POST"] as const;
export const CORS_DEFAULT_HEADERS = ["Authorization", "Content-Type"] as const;
/** Response headers scripts may read. */
export const CORS_EXPOSED_HEADERS = ["X-Request-Id"] as const;
export const CORS_DEFAULT_MAX_AGE_SECONDS = 600;
export const CORS_MAX_MAX_AGE_SECONDS = 86400;

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function configError(message: string): KeyplaneError {
  return new KeyplaneError("CORS_CONFIG_INVALID", message, { status: 500, expose: false });
}

/** Checks one configured origin: an http(s) origin in canonical serialisation, nothing else. */
function normaliseOrigin(o: string): string {
  let u: URL;
  try {
    u = new URL(o);
  } catch {
    throw configError(`CORS origin is not a URL: ${JSON.stringify(o)}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw configError(`CORS origin must be http(s): ${JSON.stringify(o)}`);
  if (u.origin !== o)
    throw configError(
      `CORS origin must be exactly scheme://host[:port] (got ${JSON.stringify(o)}, expected ${JSON.stringify(u.origin)})`,
    );
  return o;
}

function appendVary(res: PlainResponse, value: string): void {
  const existing = getHeader(res, "Vary");
  const parts = (existing ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (parts.includes("*")) return;
  const missing = value
    .split(",")
    .map((s) => s.trim())
    .filter((v) => !parts.includes(v.toLowerCase()));
  if (missing.length) setHeader(res, "Vary", [existing, ...missing].filter(Boolean).join(", "));
}

export function cors(config: CorsConfig): MiddlewareHandler<AppEnv> {
  const origins = config.allowOrigins;
  if (!Array.isArray(origins) || origins.length === 0) throw configError("CORS needs at least one allowed origin");
  const wildcard = origins.includes("*");
  if (wildcard && origins.length !== 1) throw configError("CORS `*` must be the only allowed origin");
  const allowed = new Set(wildcard ? [] : origins.map(normaliseOrigin));

  const headerNames = [...CORS_DEFAULT_HEADERS, ...(config.allowHeaders ?? [])];
  for (const h of headerNames)
    if (!TOKEN_RE.test(h)) throw configError(`CORS header name is not valid: ${JSON.stringify(h)}`);
  if (headerNames.some((h) => h === "*")) throw configError("CORS header wildcard is not supported");
  const allowedHeaders = new Map<string, string>();
  for (const h of headerNames) allowedHeaders.set(h.toLowerCase(), h);
  const allowHeadersValue = [...allowedHeaders.values()].join(", ");

  const maxAge = config.maxAgeSeconds ?? CORS_DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw configError("CORS maxAgeSeconds must be a non-negative integer");
  const maxAgeValue = String(Math.min(maxAge, CORS_MAX_MAX_AGE_SECONDS));
  const methods = new Set<string>(CORS_ALLOWED_METHODS);
  const methodsValue = CORS_ALLOWED_METHODS.join(", ");

  const originAllowed = (origin: string | undefined): origin is string =>
    origin !== undefined && (wildcard || allowed.has(origin));
  const allowOriginValue = (origin: string) => (wildcard ? "*" : origin);

  return async (c, next) => {
    const origin = c.req.header("origin");
    const requestMethod = c.req.header("access-control-request-method");

    if (c.req.method === "OPTIONS" && origin !== undefined && requestMethod !== undefined) {
      const requested = (c.req.header("access-control-request-headers") ?? "")
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const ok = originAllowed(origin) && methods.has(requestMethod) && requested.every((h) => allowedHeaders.has(h));
      const headers: Record<string, string> = {};
      if (!wildcard) headers.Vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
      if (!ok) {
        c.get("log")?.info("cors_preflight_refused", {
          origin: origin.slice(0, 200),
          method: requestMethod.slice(0, 20),
        });
        headers["Content-Type"] = "application/json";
        return {
          status: 403,
          headers,
          body: JSON.stringify(errorBody("CORS_NOT_ALLOWED", "Cross-origin request not allowed")),
        };
      }
      headers["Access-Control-Allow-Origin"] = allowOriginValue(origin);
      headers["Access-Control-Allow-Methods"] = methodsValue;
      headers["Access-Control-Allow-Headers"] = allowHeadersValue;
      headers["Access-Control-Max-Age"] = maxAgeValue;
      return { status: 204, headers, body: null };
    }

    await next();
    const res = c.res;
    if (getHeader(res, "Access-Control-Allow-Credentials") !== undefined)
      setHeader(res, "Access-Control-Allow-Credentials", undefined);
    if (!wildcard) appendVary(res, "Origin");
    if (originAllowed(origin)) {
      setHeader(res, "Access-Control-Allow-Origin", allowOriginValue(origin));
      setHeader(res, "Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS.join(", "));
    }
    return undefined;
  };
}
