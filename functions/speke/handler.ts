/**
 * The in-process SPEKE entry point (routes and benchmarks call it): body + `X-Speke-Version` -> status, headers,
 * body. Client errors come back as `text/plain` (the exact SPEKE 422 strings, 400 with a reason, 413); nothing a
 * caller sends can turn into a 500. Logs carry the content id and counts, never keys, seeds or certificates.
 */
import type { KeyplaneContext } from "../context";
import { isKeyplaneError } from "../errors";
import type { Logger } from "../log";
import { buildCpixResponse } from "../cpix/build";
import type { ContentKeyRegistry } from "../registry/registry";
import type { SpekeConfig } from "./config";
import { overrideKid } from "./kid-override";
import { readSpekeRequest, resolveSpekeVersion, type SpekeVersion } from "./request";
import { buildSpekeResponse } from "./respond";
import { validateSpekeRequest } from "./validate";

export interface SpekeInput {
  body: string | Uint8Array;
  /** The `X-Speke-Version` header: absent means SPEKE v1. */
  spekeVersion?: string;
}

export interface SpekeResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TEXT = "text/plain; charset=utf-8";

function userAgentHeaders(version: SpekeVersion | undefined, config: SpekeConfig): Record<string, string> {
  if (version === "2.0" || version === "2.1")
    return { "X-Speke-Version": version, "X-Speke-User-Agent": config.userAgent };
  return { "Speke-User-Agent": config.userAgent };
}

export interface SpekeDeps {
  /**
   * Where every served KID is recorded with the request's content id, before the keys leave (key delivery resolves
   * content-id policy bindings through it). Without one nothing is recorded: content-id bindings then never match.
   */
  registry?: ContentKeyRegistry;
  /**
   * Takes the fields of a served request for the request's one log line (the HTTP route passes `noteRequest`). Without
   * one, they are logged as their own `speke_response` line.
   */
  note?: (fields: Record<string, unknown>) => void;
}

export async function handleSpeke(
  input: SpekeInput,
  ctx: KeyplaneContext,
  config: SpekeConfig,
  log: Logger = ctx.logger,
  deps: SpekeDeps = {},
): Promise<SpekeResult> {
  let version: SpekeVersion | undefined;
  let contentId: string | undefined;
  try {
    version = resolveSpekeVersion(input.spekeVersion);
    const req = readSpekeRequest(input.body, version, {
      maxContentKeys: config.maxContentKeys,
      maxDrmSystems: config.maxDrmSystems,
    });
    contentId = req.contentId;
    validateSpekeRequest(req);
    const seed = await ctx.seed();
    const res = buildSpekeResponse(req, seed, config, new Date(ctx.now()));
    const body = buildCpixResponse(res);
    if (deps.registry && contentId) {
      // The KIDs as served (after a KID override), recorded before any key leaves: a failed write is a 5xx, so a
      // packager never holds keys that key delivery would govern by the wrong policy.
      const kids = req.contentKeys.map((ck) => (config.kidOverride ? overrideKid(contentId!, ck.kid) : ck.kid));
      await deps.registry.record(contentId, kids, ctx.now());
    }
    const fields = {
      spekeVersion: version,
      contentId,
      keyCount: req.contentKeys.length,
      drmSystemCount: req.drmSystems.length,
      keyPeriods: req.periods.length,
      encrypted: req.deliveryData.length > 0,
      kidOverride: config.kidOverride,
    };
    if (deps.note) deps.note(fields);
    else log.info("speke_response", fields);
    return { status: 200, headers: { "Content-Type": "application/xml", ...userAgentHeaders(version, config) }, body };
  } catch (e) {
    if (isKeyplaneError(e) && e.status >= 400 && e.status < 500 && e.expose) {
      log.warn("speke_rejected", {
        spekeVersion: version,
        contentId,
        status: e.status,
        code: e.code,
        reason: e.message,
      });
      return {
        status: e.status,
        headers: { "Content-Type": TEXT, ...userAgentHeaders(version, config) },
        body: e.message,
      };
    }
    log.error("speke_failed", { spekeVersion: version, contentId, error: e });
    return { status: 500, headers: { "Content-Type": TEXT }, body: "Internal error" };
  }
}
