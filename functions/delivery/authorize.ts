/**
 * Decides whether a request may have the keys for some KIDs: finds the policy governing each KID (a KID binding, then
 * a content-id binding through the content key registry, then the default policy: never a content id the viewer sends),
 * takes its ClearKey/AES-128 options, and passes if one is open or the token satisfies one token restriction.
 * KIDs governed by the same policy are checked with one verification (so one request = one use of a maxuses token).
 *
 * The token itself is tokens/'s to judge (`verifyTokenUnderAny`: the verified-token cache, then the full check); a
 * cached answer comes back without waiting.
 */
import type { KeyplaneContext } from "../context";
import { KeyplaneError } from "../errors";
import { optionsFor } from "../policy/bindings";
import type { ContentKeyPolicy, TokenRestriction } from "../policy/model";
import type { UseCounter } from "../tokens/counter";
import { tokenError } from "../tokens/errors";
import { verifyTokenUnderAny, type VerifiedToken, type VerifyOptions } from "../tokens/verify";
import type { DeliveryConfig } from "./config";
import type { ContentKeyRegistry } from "../registry/registry";
import type { PolicyIndex } from "../policy/bindings";
import type { PolicyStore } from "./policy-store";

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface AuthorizeRequest {
  kids: Buffer[];
  token?: string;
}

export interface KeyAuthorizer {
  /** Resolves when every KID may be delivered; throws 401/403 KeyplaneErrors otherwise. Returns the verified tokens. */
  authorize(req: AuthorizeRequest): Promise<VerifiedToken[]>;
}

/** What a policy asks of a ClearKey/AES-128 key request, worked out once per policy object. */
interface KeyAccess {
  /** No option delivers ClearKey/AES-128 keys. */
  none: boolean;
  /** Some option is open (no token needed). */
  open: boolean;
  /** The token restrictions, in option order, by token type. */
  Jwt: TokenRestriction[];
  Swt: TokenRestriction[];
}

const accessByPolicy = new WeakMap<ContentKeyPolicy, KeyAccess>();
function keyAccess(policy: ContentKeyPolicy): KeyAccess {
  let a = accessByPolicy.get(policy);
  if (!a) {
    const options = optionsFor(policy, "ClearKey");
    const tokens = options.map((o) => o.restriction).filter((r): r is TokenRestriction => r.type === "Token");
    a = {
      none: options.length === 0,
      open: options.some((o) => o.restriction.type === "Open"),
      Jwt: tokens.filter((r) => r.tokenType === "Jwt"),
      Swt: tokens.filter((r) => r.tokenType === "Swt"),
    };
    accessByPolicy.set(policy, a);
  }
  return a;
}

export function createKeyAuthorizer(
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  store: PolicyStore,
  deps: { useCounter: UseCounter; registry: ContentKeyRegistry; fetch?: typeof fetch },
): KeyAuthorizer {
  /** The policy of a KID: by KID, then by the content id SPEKE recorded for it (only when some binding names content). */
  const policyOf = (
    index: PolicyIndex,
    kid: Buffer,
  ): ContentKeyPolicy | undefined | Promise<ContentKeyPolicy | undefined> => {
    if (!index.hasContentBindings || index.boundByKid(kid)) return index.policyFor({ kid });
    const known = deps.registry.peek(kid);
    if (known !== undefined) return index.policyFor(known === null ? { kid } : { kid, contentId: known });
    return deps.registry
      .contentIdOf(kid)
      .then((contentId) => index.policyFor(contentId === undefined ? { kid } : { kid, contentId }));
  };

  const verifyOptions = (kids: Buffer[]): VerifyOptions => ({
    now: ctx.now(),
    kid: kids[0]!,
    kids: kids.slice(1),
    skewSeconds: config.clockSkewSeconds,
    verifiedTokenCacheSeconds: config.verifiedTokenCacheSeconds,
    useCounter: deps.useCounter,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  /** No token needed (undefined), the token's verification (cached: synchronous), or a 401/403. */
  const checkToken = (
    token: string | undefined,
    policy: ContentKeyPolicy,
    kids: Buffer[],
  ): VerifiedToken | undefined | Promise<VerifiedToken> => {
    const access = keyAccess(policy);
    if (access.none)
      throw new KeyplaneError("KEY_NOT_AUTHORIZED", "The policy for this key does not deliver ClearKey/AES-128 keys", {
        status: 403,
      });
    if (access.open) return undefined;
    if (!token)
      throw tokenError(
        "TOKEN_MISSING",
        "A bearer token is required (Authorization: Bearer <token>, Bearer=<token> or ?token=)",
      );
    const kind = JWT_SHAPE.test(token) ? "Jwt" : "Swt";
    const restrictions = access[kind];
    if (restrictions.length === 0) throw tokenError("TOKEN_INVALID", `This key does not accept ${kind} tokens`);
    return verifyTokenUnderAny(token, restrictions, verifyOptions(kids));
  };

  return {
    async authorize(req) {
      const index = store.current() ?? (await store.get());
      const groups = new Map<ContentKeyPolicy, Buffer[]>();
      for (const kid of req.kids) {
        const found = policyOf(index, kid);
        const p = found instanceof Promise ? await found : found;
        if (!p) throw new KeyplaneError("KEY_NOT_AUTHORIZED", "No policy governs the requested key", { status: 403 });
        const g = groups.get(p);
        if (g) g.push(kid);
        else groups.set(p, [kid]);
      }
      const verified: VerifiedToken[] = [];
      for (const [policy, kids] of groups) {
        const checked = checkToken(req.token, policy, kids);
        const v = checked instanceof Promise ? await checked : checked;
        if (v) verified.push(v);
      }
      return verified;
    },
  };
}
