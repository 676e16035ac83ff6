/**
 * SPEKE HTTP routes: `POST /speke` and its alias `POST /copyProtection` (SPEKE v1 / v2.0 / v2.1, dispatched on
 * `X-Speke-Version`), and `GET /speke/heartbeat` (v1 health probe).
 */
import { App, type Context } from "../http/router";
import type { KeyplaneContext } from "../context";
import type { AppEnv } from "../http/env";
import { noteRequest } from "../http/base";
import { DEFAULT_MAX_BODY_BYTES, readRequestBody } from "../http/body";
import { reply } from "../http/reply";
import type { SpekeConfig } from "./config";
import { handleSpeke, type SpekeDeps } from "./handler";

export function spekeRoutes(ctx: KeyplaneContext, config: SpekeConfig, deps: SpekeDeps = {}): App<AppEnv> {
  const app = new App<AppEnv>();
  const post = async (c: Context<AppEnv>) => {
    const body = new Uint8Array(await readRequestBody(c, DEFAULT_MAX_BODY_BYTES));
    const log = (c.get("log") as AppEnv["Variables"]["log"] | undefined) ?? ctx.logger;
    // What was served goes on the request's one log line (functions/http/base.ts), not a line of its own.
    const r = await handleSpeke({ body, spekeVersion: c.req.header("x-speke-version") }, ctx, config, log, {
      ...deps,
      note: (f) => noteRequest(c, f),
    });
    return reply(c, r.body, r.status, r.headers);
  };
  app.post("/speke", post);
  app.post("/copyProtection", post);
  app.get("/speke/heartbeat", (c) =>
    c.text("OK", 200, { "Speke-User-Agent": config.userAgent, "Cache-Control": "no-store" }),
  );
  return app;
}
