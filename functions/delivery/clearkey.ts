/**
 * POST /clearkey: a W3C ClearKey license, {"kids":[b64url],"type":"temporary"} -> {"keys":[{kty,kid,k}],
 * "type":"temporary"}, once the authorizer lets every KID out. Keys come from the seed only.
 */
import type { App } from "../http/router";
import type { AppEnv } from "../http/env";
import { noteRequest } from "../http/base";
import { readRequestBody } from "../http/body";
import { replyJson } from "../http/reply";
import type { KeyplaneContext } from "../context";
import { kidFromBase64url } from "../keys/kid";
import type { KeyAuthorizer } from "./authorize";
import type { DeliveryConfig } from "./config";
import { badRequest, NO_STORE, parseJson, viewerToken } from "./request";

export const MAX_CLEARKEY_KIDS = 64;

export function clearKeyRoute(
  app: App<AppEnv>,
  ctx: KeyplaneContext,
  config: DeliveryConfig,
  authorizer: KeyAuthorizer,
): void {
  app.post("/clearkey", async (c) => {
    const body = parseJson((await readRequestBody(c, config.maxLicenseRequestBytes)).toString("utf8")) as {
      kids?: unknown;
      type?: unknown;
    } | null;
    if (!body || typeof body !== "object" || !Array.isArray(body.kids) || body.kids.length === 0) {
      throw badRequest(
        "CLEARKEY_REQUEST_INVALID",
        'ClearKey request must be {"kids":["<base64url KID>"],"type":"temporary"}',
      );
    }
    if (body.kids.length > MAX_CLEARKEY_KIDS)
      throw badRequest("CLEARKEY_REQUEST_INVALID", `At most ${MAX_CLEARKEY_KIDS} KIDs per request`);
    if (body.type !== undefined && body.type !== "temporary")
      throw badRequest("CLEARKEY_TYPE_UNSUPPORTED", 'Only "temporary" ClearKey licenses are issued');
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
    const keys = kids.map((kid, i) => ({
      kty: "oct",
      kid: kidTexts[i],
      k: seed.contentKey(kid).toString("base64url"),
    }));
    noteRequest(c, { kidCount: kids.length }); // on the request's one log line
    return replyJson(c, { keys, type: "temporary" }, 200, { "Cache-Control": NO_STORE });
  });
}
