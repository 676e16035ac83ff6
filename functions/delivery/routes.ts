/**
 * Key delivery and the token service, one module per route, wired here to one policy store, use counter,
 * entitlements, registry and key authorizer:
 *   POST /token          JSON {subject, kids?, contentId?, tokenType?, maxUses?, lifetimeSeconds?} -> {token, tokenType, expiresIn}
 *   POST /clearkey       W3C ClearKey license: {"kids":[b64url],"type":"temporary"} -> {"keys":[{kty,kid,k}],"type":"temporary"}
 *   GET  /hls/key/:kid   raw 16-byte AES-128 key (KID as UUID, 32 hex or base64url)
 * Tokens come from `Authorization: Bearer`, `Bearer=` or `?token=`. Errors are KeyplaneErrors mapped by the base app;
 * every 401 for a refused token carries `WWW-Authenticate: Bearer` (added by the base app). Keys come from the seed
 * only; nothing secret is logged.
 */
import { App } from "../http/router";
import type { KeyplaneContext } from "../context";
import { cors } from "../http/cors";
import type { AppEnv } from "../http/env";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "../registry/registry";
import type { UseCounter } from "../tokens/counter";
import { createKeyAuthorizer } from "./authorize";
import { clearKeyRoute } from "./clearkey";
import type { DeliveryConfig } from "./config";
import {
  denyAllEntitlements,
  LAB_ENTITLEMENT_RULES,
  parseEntitlementRules,
  RulesEntitlements,
  type Entitlements,
} from "./entitlements";
import { hlsKeyRoute } from "./hls-key";
import { lazyTokenIssuer } from "./issuer";
import { createPolicyStore } from "./policy-source";
import { tokenRoute } from "./token";
import { createUseCounter } from "./use-counter";

export interface DeliveryDeps {
  useCounter?: UseCounter;
  entitlements?: Entitlements;
  /** fetch for OpenID Connect discovery/JWKS. */
  fetch?: typeof fetch;
  /** Which content id SPEKE served each KID for (content-id policy bindings and content-scoped entitlement rules). */
  contentKeyRegistry?: ContentKeyRegistry;
  /** Environment used to find the policy env var (default process.env). */
  env?: Record<string, string | undefined>;
}

export function deliveryRoutes(ctx: KeyplaneContext, config: DeliveryConfig, deps: DeliveryDeps = {}): App<AppEnv> {
  const app = new App<AppEnv>();
  const env = deps.env ?? process.env;
  const store = createPolicyStore(ctx, config, env);
  const lab = store.mode === "lab";
  const useCounter = deps.useCounter ?? createUseCounter(ctx, config);
  const entitlements =
    deps.entitlements ??
    (config.entitlements
      ? new RulesEntitlements(config.entitlements, env)
      : config.entitlementsFile
        ? RulesEntitlements.fromFile(config.entitlementsFile, env)
        : lab
          ? new RulesEntitlements(parseEntitlementRules(LAB_ENTITLEMENT_RULES), env)
          : denyAllEntitlements);
  const registry = deps.contentKeyRegistry ?? new MemoryContentKeyRegistry();
  const authorizer = createKeyAuthorizer(ctx, config, store, {
    useCounter,
    registry,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  if (lab)
    ctx.logger.warn("delivery_lab_mode", {
      message:
        "LAB MODE: no policy file configured; tokens are signed with a key derived from the key seed. Not for production.",
    });

  // Middleware is scoped to these paths: `app.route("/", ...)` would otherwise apply it to every area's routes.
  const paths = ["/token", "/clearkey", "/hls/key/*"];
  // (Every 401 from a refused token carries `WWW-Authenticate: Bearer`: the base app's error handler adds it.)
  if (config.cors.allowOrigins.length > 0)
    for (const p of paths) app.use(p, cors({ allowOrigins: config.cors.allowOrigins }));

  tokenRoute(app, ctx, config, { issuer: lazyTokenIssuer(ctx, config, lab), entitlements, registry });
  clearKeyRoute(app, ctx, config, authorizer);
  hlsKeyRoute(app, ctx, authorizer);
  return app;
}
