/**
 * The one Hono app. Every runtime (local lab, Lambda entries, tests, benchmarks) builds it here and chooses which
 * areas to mount: the SPEKE Lambda mounts only `speke`, the key-delivery Lambda `delivery` + `license`, the lab all.
 */
import type { Hono, MiddlewareHandler } from "hono";
import type { KeyplaneContext } from "./context";
import { createBaseApp } from "./http/base";
import { reply } from "./http/reply";
import type { AppEnv } from "./http/env";
import type { KeyplaneConfig } from "./config";
import { spekeRoutes } from "./speke/routes";
import { deliveryRoutes } from "./delivery/routes";
import { licenseRoutes } from "./license/routes";
import { createUseCounter } from "./delivery/use-counter";
import { createContentKeyRegistry } from "./registry/config";
import type { ContentKeyRegistry } from "./registry/registry";

export type Area = "speke" | "delivery" | "license";
export const ALL_AREAS: readonly Area[] = ["speke", "delivery", "license"];

export interface CreateAppOptions {
  areas?: readonly Area[];
  /** Extra routes mounted last (the lab's demo page). */
  extra?: Hono<AppEnv>[];
  /**
   * Middleware run before every route, after the base app's request id and logger. The local lab passes its host
   * allow-list and security headers here (lab/web/guard.ts); the Lambda entries pass nothing.
   */
  guard?: MiddlewareHandler<AppEnv>;
  deliveryDeps?: Parameters<typeof deliveryRoutes>[2];
  licenseDeps?: Parameters<typeof licenseRoutes>[2];
  /** The content key registry SPEKE writes and key delivery reads (default: from `config.contentKeyRegistry`). */
  contentKeyRegistry?: ContentKeyRegistry;
}

export function createApp(ctx: KeyplaneContext, config: KeyplaneConfig, opts: CreateAppOptions = {}): Hono<AppEnv> {
  const areas = new Set(opts.areas ?? ALL_AREAS);
  const app = createBaseApp(ctx);
  if (opts.guard) app.use("*", opts.guard);
  const health = JSON.stringify({ ok: true, areas: [...areas] });
  app.get("/healthz", (c) => reply(c, health, 200, { "Content-Type": "application/json", "Cache-Control": "no-store" }));
  // One registry for SPEKE and delivery in one process, so a KID served by SPEKE is known to delivery at once.
  const registry = opts.contentKeyRegistry ?? opts.deliveryDeps?.contentKeyRegistry
    ?? (areas.has("speke") || areas.has("delivery") ? createContentKeyRegistry(config.contentKeyRegistry) : undefined);
  if (areas.has("speke")) app.route("/", spekeRoutes(ctx, config.speke, registry ? { registry } : {}));
  // One replay counter for every route that checks tokens: a token's `maxuses` covers keys and vendor licenses alike.
  const useCounter = opts.deliveryDeps?.useCounter ?? opts.licenseDeps?.useCounter
    ?? (areas.has("delivery") || areas.has("license") ? createUseCounter(ctx, config.delivery) : undefined);
  if (areas.has("delivery")) app.route("/", deliveryRoutes(ctx, config.delivery, { ...opts.deliveryDeps, ...(useCounter ? { useCounter } : {}), ...(registry ? { contentKeyRegistry: registry } : {}) }));
  if (areas.has("license")) app.route("/", licenseRoutes(ctx, config.license, { ...opts.licenseDeps, ...(useCounter ? { useCounter } : {}) }));
  for (const extra of opts.extra ?? []) app.route("/", extra);
  return app;
}
