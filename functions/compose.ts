/**
 * Assembles an app from the areas it is given, and nothing else: the base app, `/healthz`, the one content key
 * registry and the one replay counter the areas share, then each area's routes. `createApp` (functions/app.ts) passes
 * every area; each Lambda entry passes only its own, so its bundle holds only its own area's code.
 */
import type { KeyplaneContext } from "./context";
import type { KeyplaneConfig } from "./config";
import { createBaseApp } from "./http/base";
import type { AppEnv } from "./http/env";
import { reply } from "./http/reply";
import type { App, MiddlewareHandler } from "./http/router";
import type { spekeRoutes } from "./speke/routes";
import type { deliveryRoutes } from "./delivery/routes";
import type { licenseRoutes } from "./license/routes";
import type { ContentKeyRegistryConfig } from "./registry/config";
import type { ContentKeyRegistry } from "./registry/registry";
import type { UseCounter } from "./tokens/counter";

export type Area = "speke" | "delivery" | "license";
export const ALL_AREAS: readonly Area[] = ["speke", "delivery", "license"];

/** The route factories (and shared-service factories) an app may mount; absent ones are not mounted. */
export interface AreaModules {
  speke?: typeof spekeRoutes;
  delivery?: typeof deliveryRoutes;
  license?: typeof licenseRoutes;
  createContentKeyRegistry?: (config: ContentKeyRegistryConfig) => ContentKeyRegistry;
  createUseCounter?: (ctx: KeyplaneContext, config: KeyplaneConfig["delivery"]) => UseCounter;
}

export interface ComposeOptions {
  areas?: readonly Area[];
  /** Extra routes mounted last (the lab's demo page). */
  extra?: App<AppEnv>[];
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

/** The sections an app needs: those of the areas it mounts (and the registry for SPEKE and delivery). */
export type ComposeConfig = Partial<KeyplaneConfig>;

export function composeApp(
  ctx: KeyplaneContext,
  config: ComposeConfig,
  modules: AreaModules,
  opts: ComposeOptions = {},
): App<AppEnv> {
  const areas = new Set((opts.areas ?? ALL_AREAS).filter((a) => modules[a] !== undefined));
  const app = createBaseApp(ctx);
  if (opts.guard) app.use("*", opts.guard);
  const health = JSON.stringify({ ok: true, areas: [...areas] });
  app.get("/healthz", (c) =>
    reply(c, health, 200, { "Content-Type": "application/json", "Cache-Control": "no-store" }),
  );
  // One registry for SPEKE and delivery in one process, so a KID served by SPEKE is known to delivery at once.
  const registry =
    opts.contentKeyRegistry ??
    opts.deliveryDeps?.contentKeyRegistry ??
    ((areas.has("speke") || areas.has("delivery")) && modules.createContentKeyRegistry
      ? modules.createContentKeyRegistry(config.contentKeyRegistry ?? { type: "memory" })
      : undefined);
  if (areas.has("speke")) app.route("/", modules.speke!(ctx, config.speke!, registry ? { registry } : {}));
  // One replay counter for every route that checks tokens: a token's `maxuses` covers keys and vendor licenses alike.
  const useCounter =
    opts.deliveryDeps?.useCounter ??
    opts.licenseDeps?.useCounter ??
    ((areas.has("delivery") || areas.has("license")) && modules.createUseCounter
      ? modules.createUseCounter(ctx, config.delivery!)
      : undefined);
  if (areas.has("delivery"))
    app.route(
      "/",
      modules.delivery!(ctx, config.delivery!, {
        ...opts.deliveryDeps,
        ...(useCounter ? { useCounter } : {}),
        ...(registry ? { contentKeyRegistry: registry } : {}),
      }),
    );
  if (areas.has("license"))
    app.route(
      "/",
      modules.license!(ctx, config.license!, { ...opts.licenseDeps, ...(useCounter ? { useCounter } : {}) }),
    );
  for (const extra of opts.extra ?? []) app.route("/", extra);
  return app;
}
