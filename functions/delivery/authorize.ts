/**
 * Decides whether a request may have the keys for some KIDs: finds the policy governing each KID (or content id),
 * takes its ClearKey/AES-128 options, and passes if one is open or the token satisfies one token restriction.
 * KIDs governed by the same policy are checked with one verification (so one request = one use of a maxuses token).
 */
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { optionsFor } from "../policy/bindings";
import type { ContentKeyPolicy, TokenRestriction } from "../policy/model";
import type { UseCounter } from "../tokens/counter";
import { tokenError } from "../tokens/errors";
import { verifyViewerToken, type VerifiedToken } from "../tokens/verify";
import type { DeliveryConfig } from "./config";
import type { PolicyStore } from "./policy-store";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface AuthorizeRequest {
  kids: Buffer[];
  token?: string;
  contentId?: string;
}

export interface KeyAuthorizer {
  /** Resolves when every KID may be delivered; throws 401/403 KeyplaneErrors otherwise. Returns the verified tokens. */
  authorize(req: AuthorizeRequest): Promise<VerifiedToken[]>;
}

export function createKeyAuthorizer(
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  store: PolicyStore,
  deps: { useCounter: UseCounter; fetch?: typeof fetch },
): KeyAuthorizer {
  const verifyOne = async (token: string | undefined, policy: ContentKeyPolicy, kids: Buffer[]): Promise<VerifiedToken | undefined> => {
    const options = optionsFor(policy, "ClearKey");
    if (options.length === 0) throw new KeyplaneError("KEY_NOT_AUTHORIZED", "The policy for this key does not deliver ClearKey/AES-128 keys", { status: 403 });
    if (options.some((o) => o.restriction.type === "Open")) return undefined;
    if (!token) throw tokenError("TOKEN_MISSING", "A bearer token is required (Authorization: Bearer <token>, Bearer=<token> or ?token=)");
    const kind = JWT_SHAPE.test(token) ? "Jwt" : "Swt";
    const restrictions = options.map((o) => o.restriction).filter((r): r is TokenRestriction => r.type === "Token" && r.tokenType === kind);
    if (restrictions.length === 0) throw tokenError("TOKEN_INVALID", `This key does not accept ${kind} tokens`);
    let first: unknown;
    for (const r of restrictions) {
      try {
        return await verifyViewerToken(token, r, {
          now: ctx.now(),
          kid: kids[0]!,
          kids: kids.slice(1),
          skewSeconds: config.clockSkewSeconds,
          verifiedTokenCacheSeconds: config.verifiedTokenCacheSeconds,
          useCounter: deps.useCounter,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        });
      } catch (e) {
        // A token that verified but does not grant this key is final; otherwise try the next option.
        if (e instanceof KeyplaneError && e.status === 403) throw e;
        first ??= e;
      }
    }
    throw first;
  };

  return {
    async authorize(req) {
      const index = await store.get();
      const groups = new Map<ContentKeyPolicy, Buffer[]>();
      for (const kid of req.kids) {
        const p = index.policyFor({ kid, ...(req.contentId !== undefined ? { contentId: req.contentId } : {}) });
        if (!p) throw new KeyplaneError("KEY_NOT_AUTHORIZED", "No policy governs the requested key", { status: 403 });
        const g = groups.get(p);
        if (g) g.push(kid);
        else groups.set(p, [kid]);
      }
      const verified: VerifiedToken[] = [];
      for (const [policy, kids] of groups) {
        const v = await verifyOne(req.token, policy, kids);
        if (v) verified.push(v);
      }
      return verified;
    },
  };
}
