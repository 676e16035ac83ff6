/**
 * The app with every area: the local lab, tests and benchmarks build it here and choose which areas to mount. The
 * Lambda entries (runtimes/entries/) compose only their own area with `composeApp`, so the SPEKE bundle carries no
 * delivery or license code and the other way round.
 */
import type { KeyplaneContext } from "./context";
import type { KeyplaneConfig } from "./config";
import type { AppEnv } from "./http/env";
import type { App } from "./http/router";
import { composeApp, type ComposeOptions } from "./compose";
import { spekeRoutes } from "./speke/routes";
import { deliveryRoutes } from "./delivery/routes";
import { licenseRoutes } from "./license/routes";
import { createUseCounter } from "./delivery/use-counter";
import { createContentKeyRegistry } from "./registry/config";
import { azureRegistry, azureUseCounter } from "./azure/apps";

export { ALL_AREAS, type Area } from "./compose";
export type CreateAppOptions = ComposeOptions;

export function createApp(ctx: KeyplaneContext, config: KeyplaneConfig, opts: CreateAppOptions = {}): App<AppEnv> {
  return composeApp(
    ctx,
    config,
    {
      speke: spekeRoutes,
      delivery: deliveryRoutes,
      license: licenseRoutes,
      // Every store kind here, the Azure tables too (the Lambda entries carry only their own).
      createContentKeyRegistry: (c) => (c.type === "azureTable" ? azureRegistry(c) : createContentKeyRegistry(c)),
      createUseCounter: (c, d) =>
        d.useCounter.type === "azureTable" ? azureUseCounter(c, d.useCounter) : createUseCounter(c, d),
    },
    opts,
  );
}
