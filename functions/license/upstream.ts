/**
 * The upstream call: POST the challenge to the vendor with the credential headers, one deadline for the whole
 * exchange, no redirects (a redirect would carry the credential elsewhere), and the answer read back byte for byte.
 * Failures never echo the upstream body, URL query or our headers: timeout -> 504 UPSTREAM_TIMEOUT, network failure
 * -> 502 UPSTREAM_UNAVAILABLE, a non-2xx answer -> 502 UPSTREAM_ERROR (its status goes to the log only).
 * Answers over 1 MiB: refused (502) when Content-Length says so, otherwise when the count passes the cap (the read
 * is cancelled there), so a player never receives a truncated license.
 */
import type { Logger } from "../log";
import { readStreamCapped } from "../http/body";
import type { PlainResponse } from "../http/router";
import { licenseError } from "./errors";

export const MAX_UPSTREAM_RESPONSE_BYTES = 1024 * 1024;
/** Response headers passed back to the player; everything else (cookies, vendor diagnostics) is dropped. */
export const RETURNED_HEADERS = ["content-type"] as const;

export interface UpstreamRequest {
  fetch: typeof fetch;
  url: string;
  headers: Headers;
  body: Uint8Array;
  timeoutMs: number;
  log: Logger;
  vendor: string;
  maxResponseBytes?: number;
}

function errorName(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; name?: unknown } })?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  return code ?? (e as Error)?.name ?? "Error";
}

export async function forwardToUpstream(r: UpstreamRequest): Promise<PlainResponse> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, r.timeoutMs);
  timer.unref?.();
  const host = new URL(r.url).host;
  const started = performance.now();
  let res: Response;
  try {
    res = await r.fetch(r.url, {
      method: "POST",
      headers: r.headers,
      body: r.body as unknown as BodyInit,
      redirect: "error",
      signal: ac.signal,
    });
  } catch (e) {
    clearTimeout(timer);
    if (timedOut) {
      r.log.warn("license_upstream_timeout", { vendor: r.vendor, host, timeoutMs: r.timeoutMs });
      throw licenseError("UPSTREAM_TIMEOUT", "The license server did not answer in time", { vendor: r.vendor });
    }
    r.log.warn("license_upstream_unavailable", { vendor: r.vendor, host, reason: errorName(e) });
    throw licenseError("UPSTREAM_UNAVAILABLE", "The license server could not be reached", { vendor: r.vendor });
  }
  const ms = Math.round((performance.now() - started) * 100) / 100;
  if (res.status < 200 || res.status > 299) {
    clearTimeout(timer);
    await res.body?.cancel().catch(() => undefined);
    r.log.warn("license_upstream_error", { vendor: r.vendor, host, upstreamStatus: res.status, ms });
    throw licenseError("UPSTREAM_ERROR", `The license server refused the request (HTTP ${res.status})`, {
      vendor: r.vendor,
      upstreamStatus: res.status,
    });
  }
  const max = r.maxResponseBytes ?? MAX_UPSTREAM_RESPONSE_BYTES;
  const declared = res.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) {
    clearTimeout(timer);
    await res.body?.cancel().catch(() => undefined);
    r.log.warn("license_upstream_too_large", { vendor: r.vendor, host, max, declared: Number(declared) });
    throw licenseError("UPSTREAM_RESPONSE_TOO_LARGE", "The license server answer is too large", { vendor: r.vendor });
  }
  r.log.info("license_upstream", { vendor: r.vendor, host, upstreamStatus: res.status, ms });

  const headers: Record<string, string> = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  for (const h of RETURNED_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  headers["content-type"] ??= "application/octet-stream";
  try {
    const body = await readStreamCapped(res.body, null, max, {
      tooLarge: () => {
        r.log.warn("license_upstream_too_large", { vendor: r.vendor, host, max });
        return licenseError("UPSTREAM_RESPONSE_TOO_LARGE", "License response too large", { vendor: r.vendor });
      },
    });
    return { status: res.status, headers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
  } catch (e) {
    if ((e as { code?: unknown }).code === "UPSTREAM_RESPONSE_TOO_LARGE") throw e;
    if (timedOut) {
      r.log.warn("license_upstream_timeout", { vendor: r.vendor, host, timeoutMs: r.timeoutMs });
      throw licenseError("UPSTREAM_TIMEOUT", "The license server did not answer in time", { vendor: r.vendor });
    }
    r.log.warn("license_upstream_unavailable", { vendor: r.vendor, host, reason: errorName(e) });
    throw licenseError("UPSTREAM_UNAVAILABLE", "The license server could not be reached", { vendor: r.vendor });
  } finally {
    clearTimeout(timer);
  }
}
