/**
 * Key delivery and the token service:
 *   POST /token          JSON {subject, kids?, contentId?, tokenType?, maxUses?, lifetimeSeconds?} -> {token, tokenType, expiresIn}
 *   POST /clearkey       W3C ClearKey license: {"kids":[b64url],"type":"temporary"} -> {"keys":[{kty,kid,k}],"type":"temporary"}
 *   GET  /hls/key/:kid   raw 16-byte AES-128 key (KID as UUID, 32 hex or base64url)
 * Tokens come from `Authorization: Bearer`, `Bearer=` or `?token=`. Errors are KeyplaneErrors mapped by the base app;
 * every 401 for a refused token carries `WWW-Authenticate: Bearer` (added by the base app). Keys come from the seed only; nothing secret is logged.
 */
import { App, type Context } from "../http/router";
import * as z from "../zod";
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { noteRequest } from "../http/base";
import { readRequestBody } from "../http/body";
import { requestHeader } from "../http/incoming";
import { cors } from "../http/cors";
import { reply, replyJson } from "../http/reply";
import type { AppEnv } from "../http/env";
import { kidFromBase64url, parseKid } from "../keys/kid";
import { formatIssues } from "../config-env";
import { createUseCounter } from "./use-counter";
import type { UseCounter } from "../tokens/counter";
import { createTokenIssuer, type SigningKeyConfig, type TokenIssuer } from "../tokens/issue";
import { LAB_AUDIENCE, LAB_ISSUER, labTokenKey } from "../tokens/lab";
import { findToken } from "../tokens/extract";
import { createKeyAuthorizer } from "./authorize";
import type { DeliveryConfig } from "./config";
import { denyAllEntitlements, LAB_ENTITLEMENT_RULES, parseEntitlementRules, RulesEntitlements, type Entitlements } from "./entitlements";
import { createPolicyStore } from "./policy-store";
import { MemoryContentKeyRegistry, type ContentKeyRegistry } from "../registry/registry";

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

export const MAX_CLEARKEY_KIDS = 64;
const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;
const NO_STORE = "no-store";

const tokenRequestSchema = z.object({
  subject: z.string().check(z.minLength(1), z.maxLength(256)),
  kids: z.optional(z.array(z.string()).check(z.maxLength(MAX_CLEARKEY_KIDS))),
  contentId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  tokenType: z._default(z.enum(["Jwt", "Swt"]), "Jwt"),
  maxUses: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
  lifetimeSeconds: z.optional(z.number().check(z.int(), z.positive())),
});

function badRequest(code: string, message: string): KeyplaneError {
  return new KeyplaneError(code, message, { status: 400 });
}

/** The viewer token of a request, if any (Authorization header first, then `?token=`). */
function viewerToken(c: Context<AppEnv>): string | undefined {
  return findToken({ header: (name) => requestHeader(c, name), query: (name) => c.req.query(name) })?.token;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("BODY_INVALID", "Request body must be JSON");
  }
}

export function deliveryRoutes(ctx: KeyplaneContext, config: DeliveryConfig, deps: DeliveryDeps = {}): App<AppEnv> {
  const app = new App<AppEnv>();
  const env = deps.env ?? process.env;
  const store = createPolicyStore(ctx, config, env);
  const lab = store.mode === "lab";
  const useCounter = deps.useCounter ?? createUseCounter(ctx, config);
  const entitlements = deps.entitlements
    ?? (config.entitlementsFile ? RulesEntitlements.fromFile(config.entitlementsFile, env)
      : lab ? new RulesEntitlements(parseEntitlementRules(LAB_ENTITLEMENT_RULES), env) : denyAllEntitlements);
  const registry = deps.contentKeyRegistry ?? new MemoryContentKeyRegistry();
  const authorizer = createKeyAuthorizer(ctx, config, store, { useCounter, registry, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  if (lab) ctx.logger.warn("delivery_lab_mode", { message: "LAB MODE: no policy file configured; tokens are signed with a key derived from the key seed. Not for production." });

  let issuer: Promise<TokenIssuer | undefined> | undefined;
  const getIssuer = () => {
    issuer ??= (async () => {
      let signing: SigningKeyConfig | undefined = config.tokenIssuer.signingKey;
      if (!signing && lab) signing = { alg: "HS256", keyBase64: labTokenKey(await ctx.seed()).toString("base64") };
      if (!signing) return undefined;
      return createTokenIssuer({
        issuer: lab && !config.tokenIssuer.signingKey ? LAB_ISSUER : config.tokenIssuer.issuer,
        audience: lab && !config.tokenIssuer.signingKey ? LAB_AUDIENCE : config.tokenIssuer.audience,
        signing,
        defaultLifetimeSeconds: config.tokenLifetimeSeconds,
        maxLifetimeSeconds: config.maxTokenLifetimeSeconds,
      });
    })();
    issuer.catch(() => { issuer = undefined; });
    return issuer;
  };

  // Middleware is scoped to these paths: `app.route("/", ...)` would otherwise apply it to every area's routes.
  const paths = ["/token", "/clearkey", "/hls/key/*"];
  // (Every 401 from a refused token carries `WWW-Authenticate: Bearer`: the base app's error handler adds it.)
  if (config.cors.allowOrigins.length > 0) for (const p of paths) app.use(p, cors({ allowOrigins: config.cors.allowOrigins }));

  app.post("/token", async (c) => {
    const body = parseJson((await readRequestBody(c, MAX_TOKEN_REQUEST_BYTES)).toString("utf8"));
    const r = tokenRequestSchema.safeParse(body);
    if (!r.success) throw badRequest("TOKEN_REQUEST_INVALID", `Invalid token request: ${formatIssues(r.error)}`);
    const q = r.data;
    const kids = (q.kids ?? []).map(parseKid);
    const iss = await getIssuer();
    if (!iss) throw new KeyplaneError("TOKEN_SERVICE_DISABLED", "The token service has no signing key configured", { status: 404 });
    if (q.lifetimeSeconds !== undefined && q.lifetimeSeconds > config.maxTokenLifetimeSeconds) {
      throw badRequest("TOKEN_LIFETIME_INVALID", `lifetimeSeconds must be at most ${config.maxTokenLifetimeSeconds}`);
    }
    const ent = await entitlements.decide({
      subject: q.subject,
      kids,
      tokenType: q.tokenType,
      ...(q.contentId !== undefined ? { contentId: q.contentId } : {}),
      ...(q.maxUses !== undefined ? { maxUses: q.maxUses } : {}),
      ...(q.lifetimeSeconds !== undefined ? { lifetimeSeconds: q.lifetimeSeconds } : {}),
      header: (n) => c.req.header(n),
      contentIdOf: (kid) => registry.contentIdOf(kid),
    });
    if (!ent) throw new KeyplaneError("NOT_ENTITLED", "The subject is not entitled to these keys", { status: 403 });
    const issued = await iss.issue(q.tokenType, {
      subject: ent.subject,
      now: ctx.now(),
      kids: ent.kids,
      ...(ent.maxUses !== undefined ? { maxUses: ent.maxUses } : {}),
      ...(ent.lifetimeSeconds !== undefined ? { lifetimeSeconds: Math.min(ent.lifetimeSeconds, config.maxTokenLifetimeSeconds) } : {}),
      ...(ent.claims ? { claims: ent.claims } : {}),
    });
    noteRequest(c, { tokenType: issued.tokenType, kidCount: ent.kids.length, expiresIn: issued.expiresIn }); // on the request's one log line
    return replyJson(c, issued, 200, { "Cache-Control": NO_STORE });
  });

  app.post("/clearkey", async (c) => {
    const body = parseJson((await readRequestBody(c, config.maxLicenseRequestBytes)).toString("utf8")) as { kids?: unknown; type?: unknown } | null;
    if (!body || typeof body !== "object" || !Array.isArray(body.kids) || body.kids.length === 0) {
      throw badRequest("CLEARKEY_REQUEST_INVALID", 'ClearKey request must be {"kids":["<base64url KID>"],"type":"temporary"}');
    }
    if (body.kids.length > MAX_CLEARKEY_KIDS) throw badRequest("CLEARKEY_REQUEST_INVALID", `At most ${MAX_CLEARKEY_KIDS} KIDs per request`);
    if (body.type !== undefined && body.type !== "temporary") throw badRequest("CLEARKEY_TYPE_UNSUPPORTED", 'Only "temporary" ClearKey licenses are issued');
    // Canonical base64url is one spelling per KID (kidFromBase64url refuses the others), so the text itself dedupes
    // and is the license's `kid` as given.
    const kids: Buffer[] = [];
    const kidTexts: string[] = [];
    for (const k of body.kids) {
      if (typeof k !== "string") throw badRequest("KID_INVALID", "Invalid KID: expected 22 base64url characters");
      const b = kidFromBase64url(k);
      if (kidTexts.includes(k)) continue;
      kids.push(b);
      kidTexts.push(k);
    }
    // A `?contentId=` from the viewer is ignored: the registry says which content a KID belongs to.
    const token = viewerToken(c);
    await authorizer.authorize({ kids, ...(token ? { token } : {}) });
    const seed = await ctx.seed();
    const keys = kids.map((kid, i) => ({ kty: "oct", kid: kidTexts[i], k: seed.contentKey(kid).toString("base64url") }));
    noteRequest(c, { kidCount: kids.length }); // on the request's one log line
    return replyJson(c, { keys, type: "temporary" }, 200, { "Cache-Control": NO_STORE });
  });

  app.get("/hls/key/:kid", async (c) => {
    const kid = parseKid(c.req.param("kid"));
    const token = viewerToken(c);
    await authorizer.authorize({ kids: [kid], ...(token ? { token } : {}) });
    const key = (await ctx.seed()).contentKey(kid);
    return reply(c, new Uint8Array(key), 200, { "Content-Type": "application/octet-stream", "Cache-Control": NO_STORE });
  });

  return app;
}
