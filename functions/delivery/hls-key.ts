/** GET /hls/key/:kid: the raw 16-byte AES-128 key (KID as UUID, 32 hex or base64url), once the authorizer lets it out. */
import type { App } from "../http/router";
import type { AppEnv } from "../http/env";
import { reply } from "../http/reply";
import type { KeyplaneContext } from "../context";
import { parseKid } from "../keys/kid";
import type { KeyAuthorizer } from "./authorize";
import { NO_STORE, viewerToken } from "./request";

export function hlsKeyRoute(app: App<AppEnv>, ctx: KeyplaneContext, authorizer: KeyAuthorizer): void {
  app.get("/hls/key/:kid", async (c) => {
    const kid = parseKid(c.req.param("kid"));
    const token = viewerToken(c);
    await authorizer.authorize({ kids: [kid], ...(token ? { token } : {}) });
    const key = (await ctx.seed()).contentKey(kid);
    return reply(c, new Uint8Array(key), 200, {
      "Content-Type": "application/octet-stream",
      "Cache-Control": NO_STORE,
    });
  });
}
