/** Builds the SPEKE proxy Hono app: the shared base app (request id, logs, body cap, error mapping) + the proxy routes. */
import type { App } from "../http/router";
import { KeyplaneError } from "../errors";
import type { KeyplaneContext } from "../context";
import { createBaseApp } from "../http/base";
import type { AppEnv } from "../http/env";
import { createLogger, type Logger } from "../log";
import { loadConfigSections } from "../config-source";
import { spekeProxyConfigSchema, spekeProxySettings } from "./config";
import { vendorCredentialLoader } from "./credential";
import { spekeProxyRoutes, type SpekeProxyConfig, type SpekeProxyDeps } from "./proxy";

/** The proxy holds no key seed; a context whose seed() refuses keeps the base app's contract. */
export function proxyContext(logger: Logger): KeyplaneContext {
  return {
    seed: () =>
      Promise.reject(new KeyplaneError("NO_SEED", "The SPEKE proxy holds no key seed", { status: 500, expose: false })),
    logger,
    now: Date.now,
  };
}

export function createSpekeProxyApp(
  deps: SpekeProxyDeps,
  config: SpekeProxyConfig,
  logger: Logger = createLogger(),
): App<AppEnv> {
  const app = createBaseApp(proxyContext(logger));
  app.route("/", spekeProxyRoutes(deps, config));
  return app;
}

/** What the Lambda entry calls: the `spekeProxy` section of the configuration, the credential from Secrets Manager. */
export function createSpekeProxyFromEnv(env: Record<string, string | undefined> = process.env): App<AppEnv> {
  const { spekeProxy } = loadConfigSections({ spekeProxy: spekeProxyConfigSchema }, { env });
  return createSpekeProxyApp({ credential: vendorCredentialLoader({ env }) }, spekeProxySettings(spekeProxy));
}
