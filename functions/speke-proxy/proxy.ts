/**
 * The vendor SPEKE proxy: API Gateway (AWS_IAM) → this function → the DRM vendor's SPEKE/CPIX URL, with the vendor
 * credential added as a header or, for vendors that document it so (EZDRM `u`/`p`), as query parameters appended per
 * request. The credential is read at run time (Secrets Manager), so it never sits in the API definition, the Lambda
 * configuration or the Pulumi state in clear; logs name the vendor host and the credential's header/parameter names only.
 *
 * The CPIX body and the SPEKE headers pass through unchanged; the vendor's status and body come back unchanged (its
 * 4xx/422 texts matter to the packager). Upstream failures become 502/504 with stable codes and no vendor detail.
 */
import { App, type Context } from "../http/router";
import { KeyplaneError } from "../errors";
import { DEFAULT_MAX_BODY_BYTES, readRequestBody, readStreamCapped } from "../http/body";
import type { AppEnv } from "../http/env";
import { reply } from "../http/reply";
import {
  assertNoCredentialInUrl,
  credentialTransport,
  vendorRequestParams,
  type VendorCredential,
  type VendorHeaderConfig,
} from "./presets";

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Request headers forwarded to the vendor (lower case). Everything else, SigV4 headers included, stays here. */
export const FORWARDED_REQUEST_HEADERS = ["content-type", "x-speke-version", "x-request-id"];
/** Response headers passed back to the packager (lower case). */
export const FORWARDED_RESPONSE_HEADERS = ["content-type", "x-speke-version", "x-speke-user-agent", "speke-user-agent"];

export interface SpekeProxyConfig extends VendorHeaderConfig {
  /** The vendor's SPEKE endpoint (https://…); loopback http is accepted only with `allowInsecureLoopback`. */
  vendorUrl: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Tests and the local lab only. */
  allowInsecureLoopback?: boolean;
}

export interface SpekeProxyDeps {
  /** Returns the vendor credential (cached by the caller); never logged. */
  credential(): Promise<VendorCredential>;
  fetch?: typeof fetch;
}

/** Checks the URL once at start-up: https, no credentials in it (use the secret), or loopback http when allowed. */
export function assertVendorUrl(raw: string, allowInsecureLoopback = false): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new KeyplaneError("VENDOR_CONFIG_INVALID", "vendorUrl is not a URL", { status: 500 });
  }
  const loopback = u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(allowInsecureLoopback && loopback && u.protocol === "http:")) {
    throw new KeyplaneError("VENDOR_CONFIG_INVALID", "vendorUrl must use https", { status: 500 });
  }
  if (u.username || u.password)
    throw new KeyplaneError(
      "VENDOR_CONFIG_INVALID",
      "vendorUrl must not embed credentials; put them in the vendor secret",
      { status: 500 },
    );
  return u;
}

function readCapped(res: Response, cap: number): Promise<Buffer> {
  return readStreamCapped(res.body, res.headers.get("content-length"), cap, {
    tooLarge: () =>
      new KeyplaneError("UPSTREAM_RESPONSE_TOO_LARGE", "The key provider's response is too large", { status: 502 }),
  });
}

/** The proxy routes: `POST /speke` and `POST /copyProtection`, both forwarded to `vendorUrl`. */
export function spekeProxyRoutes(deps: SpekeProxyDeps, config: SpekeProxyConfig): App<AppEnv> {
  const target = assertVendorUrl(config.vendorUrl, config.allowInsecureLoopback ?? false);
  const transport = credentialTransport(config); // validates the preset and names at start-up
  assertNoCredentialInUrl(target, config);
  const credentialIn = transport.kind === "header" ? `header:${transport.name}` : `query:${transport.names.join(",")}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const cap = config.maxResponseBytes ?? DEFAULT_MAX_UPSTREAM_RESPONSE_BYTES;
  const doFetch = deps.fetch ?? fetch;
  const app = new App<AppEnv>();

  const forward = async (c: Context<AppEnv>) => {
    const log = c.get("log");
    const body = new Uint8Array(await readRequestBody(c, DEFAULT_MAX_BODY_BYTES));
    if (body.byteLength === 0) throw new KeyplaneError("SPEKE_EMPTY_BODY", "Empty request body", { status: 400 });
    const headers = new Headers();
    for (const h of FORWARDED_REQUEST_HEADERS) {
      const v = c.req.header(h);
      if (v !== undefined) headers.set(h, v);
    }
    if (!headers.has("content-type")) headers.set("content-type", "application/xml");
    const injected = vendorRequestParams(config, await deps.credential());
    for (const [k, v] of Object.entries(injected.headers)) headers.set(k, v);
    // A fresh URL per request: the credential parameters never touch `target` (logged by host only).
    const url = new URL(target);
    for (const [k, v] of Object.entries(injected.query)) url.searchParams.set(k, v);

    const started = performance.now();
    let res: Response;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers,
        body,
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error).name === "TimeoutError" || (e as Error).name === "AbortError";
      log.warn("vendor_request_failed", { vendorHost: target.host, timedOut, error: (e as Error).name });
      if (timedOut)
        throw new KeyplaneError("UPSTREAM_TIMEOUT", "The key provider did not answer in time", { status: 504 });
      throw new KeyplaneError("UPSTREAM_UNAVAILABLE", "The key provider could not be reached", { status: 502 });
    }
    const out = await readCapped(res, cap);
    log.info("vendor_response", {
      vendorHost: target.host,
      status: res.status,
      bytes: out.byteLength,
      vendorAuthVia: credentialIn,
      ms: Math.round(performance.now() - started),
    });
    const resHeaders: Record<string, string> = {};
    for (const h of FORWARDED_RESPONSE_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) resHeaders[h] = v;
    }
    resHeaders["cache-control"] = "no-store";
    // A vendor 5xx stays a 5xx for the packager (it retries); anything else passes through.
    return reply(c, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), res.status, resHeaders);
  };

  app.post("/speke", forward);
  app.post("/copyProtection", forward);
  app.post("/speke/v1.0/copyProtection", forward);
  return app;
}
