/**
 * The Azure Functions runtime (Node.js v4 programming model, `@azure/functions`): the same plain handlers as Lambda and
 * the lab behind one HTTP trigger that takes every path (`route: "{*path}"`, host.json `routePrefix: ""`). An
 * `HttpRequest` becomes a `PlainRequest` (header names in any case, the body read off its stream and counted against
 * the app's cap), the `PlainResponse` an `HttpResponseInit` (binary answers such as an HLS key as bytes).
 *
 * The app is built once per worker, asynchronously: the key seed and the secret environment (policies with
 * verification keys, the token signing key, license secrets) come from Key Vault through the managed identity
 * (functions/azure/key-vault.ts) before the first request is answered. A failed build answers 500 (no detail) and is
 * retried by the next request.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { declaredLengthExceeds, bodyTooLarge, type ReadCappedOptions } from "../http/body";
import type { Dispatcher, PlainRequest, PlainResponse } from "../http/router";
import { once, type KeyplaneContext } from "../context";
import { createLogger, type Logger } from "../log";
import { azureSeed } from "../azure/key-vault";
import type { SecretValueReader } from "../aws/secrets";

/** The part of an `HttpRequest` the adapter reads (a real one from `@azure/functions` in the host and in tests). */
export type AzureHttpRequestLike = Pick<HttpRequest, "method" | "url" | "headers" | "body">;

class AzurePlainRequest implements PlainRequest {
  readonly method: string;
  readonly path: string;
  private readonly params: URLSearchParams;
  private readonly headers: Record<string, string> = {};
  constructor(private readonly req: AzureHttpRequestLike) {
    this.method = (req.method || "GET").toUpperCase();
    // The host hands the full URL; its path is kept as received (percent-encoded), like the other adapters.
    const u = new URL(req.url, "http://localhost");
    this.path = u.pathname || "/";
    this.params = u.searchParams;
    req.headers.forEach((v, k) => {
      this.headers[k.toLowerCase()] = v;
    });
  }
  query(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }
  header(name: string): string | undefined {
    return this.headers[name];
  }
  headerEntries(): Iterable<[string, string]> {
    return Object.entries(this.headers);
  }
  async body(maxBytes: number, opts: ReadCappedOptions = {}): Promise<Buffer> {
    const tooLarge = opts.tooLarge ?? bodyTooLarge;
    if (declaredLengthExceeds(this.headers["content-length"], maxBytes)) throw tooLarge(maxBytes);
    const stream = this.req.body;
    if (!stream) return Buffer.alloc(0);
    const reader = stream.getReader();
    const chunks: Buffer[] = [];
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = Buffer.from(value as Uint8Array);
      n += chunk.length;
      if (n > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n);
  }
}

/** The plain response as the `HttpResponseInit` an HTTP trigger returns (no body for HEAD). */
export function toAzureResponse(r: PlainResponse, method: string): HttpResponseInit {
  const body = method === "HEAD" || r.body === null ? undefined : r.body;
  return { status: r.status, headers: { ...r.headers }, ...(body !== undefined ? { body } : {}) };
}

export type AppSource = Dispatcher | (() => Promise<Dispatcher>);

/**
 * An HTTP trigger handler answering with `app` (or with the app an async builder makes, once; retried after a failure).
 */
export function azureFunctionsHandler(
  source: AppSource,
  logger: Logger = createLogger({ base: { fn: process.env.WEBSITE_SITE_NAME ?? "keyplane" } }),
): (request: AzureHttpRequestLike, context?: InvocationContext) => Promise<HttpResponseInit> {
  const get = typeof source === "function" ? once(source) : () => Promise.resolve(source);
  return async (request, context) => {
    let app: Dispatcher;
    try {
      app = await get();
    } catch (e) {
      logger.error("app_build_failed", {
        code: (e as { code?: string }).code ?? "INTERNAL",
        message: (e as Error).message,
      });
      return {
        status: 500,
        headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
        body: JSON.stringify({ error: { code: "INTERNAL", message: "Internal error" } }),
      };
    }
    const req = new AzurePlainRequest(request);
    const res = await app.dispatch(req, { azureRequest: request, invocationContext: context });
    return toAzureResponse(res, req.method);
  };
}

/** The methods the catch-all trigger accepts (OPTIONS for CORS preflights, answered by the app's allow-list). */
export const AZURE_HTTP_METHODS = ["GET", "HEAD", "POST", "OPTIONS"] as const;

/**
 * Registers the catch-all HTTP trigger with the Functions host. Anonymous at the function level: tokens (and, for
 * SPEKE, the platform's Entra ID authentication) guard the routes, never function keys.
 */
export function registerAzureHttp(name: string, handler: ReturnType<typeof azureFunctionsHandler>): void {
  const { app } = require("@azure/functions") as typeof import("@azure/functions");
  app.http(name, {
    methods: [...AZURE_HTTP_METHODS],
    authLevel: "anonymous",
    route: "{*path}",
    handler: (req, ctx) => handler(req, ctx),
  });
}

/** The Functions context: the key seed from Key Vault (once per worker, cached), a JSON logger, the clock. */
export function azureFunctionsContext(
  env: NodeJS.ProcessEnv = process.env,
  reader?: SecretValueReader,
): KeyplaneContext {
  const logger = createLogger({ base: { fn: env.WEBSITE_SITE_NAME ?? "keyplane" } });
  const seed = once(async () => {
    const loaded = await azureSeed(env, reader);
    logger.info("key_seed_loaded", {
      seedSource: loaded.source.split(" ")[0],
      seedFingerprint: loaded.seed.fingerprint(),
    });
    return loaded.seed;
  });
  return { seed, logger, now: Date.now };
}
