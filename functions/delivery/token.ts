/**
 * POST /token: JSON {subject, kids?, contentId?, tokenType?, maxUses?, lifetimeSeconds?} -> {token, tokenType,
 * expiresIn}. The entitlements decide what the subject may have; the issuer (issuer.ts) signs it.
 */
import type { App } from "../http/router";
import type { AppEnv } from "../http/env";
import { noteRequest } from "../http/base";
import { readRequestBody } from "../http/body";
import { replyJson } from "../http/reply";
import * as z from "../zod";
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { formatIssues } from "../validation";
import { parseKid } from "../keys/kid";
import type { ContentKeyRegistry } from "../registry/registry";
import type { TokenIssuer } from "../tokens/issue";
import type { DeliveryConfig } from "./config";
import type { Entitlements } from "./entitlements";
import { MAX_CLEARKEY_KIDS } from "./clearkey";
import { badRequest, NO_STORE, parseJson } from "./request";

const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

const tokenRequestSchema = z.object({
  subject: z.string().check(z.minLength(1), z.maxLength(256)),
  kids: z.optional(z.array(z.string()).check(z.maxLength(MAX_CLEARKEY_KIDS))),
  contentId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  tokenType: z._default(z.enum(["Jwt", "Swt"]), "Jwt"),
  maxUses: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000))),
  lifetimeSeconds: z.optional(z.number().check(z.int(), z.positive())),
});

export interface TokenRouteDeps {
  issuer: () => Promise<TokenIssuer | undefined>;
  entitlements: Entitlements;
  registry: ContentKeyRegistry;
}

export function tokenRoute(
  app: App<AppEnv>,
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  { issuer, entitlements, registry }: TokenRouteDeps,
): void {
  app.post("/token", async (c) => {
    const body = parseJson((await readRequestBody(c, MAX_TOKEN_REQUEST_BYTES)).toString("utf8"));
    const r = tokenRequestSchema.safeParse(body);
    if (!r.success) throw badRequest("TOKEN_REQUEST_INVALID", `Invalid token request: ${formatIssues(r.error)}`);
    const q = r.data;
    const kids = (q.kids ?? []).map(parseKid);
    const iss = await issuer();
    if (!iss)
      throw new KeyplaneError("TOKEN_SERVICE_DISABLED", "The token service has no signing key configured", {
        status: 404,
      });
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
      ...(ent.lifetimeSeconds !== undefined
        ? { lifetimeSeconds: Math.min(ent.lifetimeSeconds, config.maxTokenLifetimeSeconds) }
        : {}),
      ...(ent.claims ? { claims: ent.claims } : {}),
    });
    noteRequest(c, { tokenType: issued.tokenType, kidCount: ent.kids.length, expiresIn: issued.expiresIn }); // on the request's one log line
    return replyJson(c, issued, 200, { "Cache-Control": NO_STORE });
  });
}
