/**
 * The token service's issuer, set up on first use: the configured signing key, or in the lab (no policy source, no
 * signing key) the seed-derived lab key, issuer and audience (lab.ts). A failed set-up is retried on the next request.
 */
import type { KeyplaneContext } from "../context";
import { createTokenIssuer, type SigningKeyConfig, type TokenIssuer } from "../tokens/issue";
import type { DeliveryConfig } from "./config";
import { LAB_AUDIENCE, LAB_ISSUER, labTokenKey } from "./lab";

/** Answers the issuer (undefined: no signing key, the token service is off), created once. */
export function lazyTokenIssuer(
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  lab: boolean,
): () => Promise<TokenIssuer | undefined> {
  let issuer: Promise<TokenIssuer | undefined> | undefined;
  return () => {
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
    issuer.catch(() => {
      issuer = undefined;
    });
    return issuer;
  };
}
