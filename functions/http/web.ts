/**
 * The fetch-API adapter: a web `Request` as a `PlainRequest`, a `PlainResponse` as a web `Response`. Used by
 * `app.request()` / `app.fetch()` (tests, fetch-based runtimes); the node:http and Lambda adapters do not use it.
 */
import { readStreamCapped, type ReadCappedOptions } from "./body";
import type { PlainRequest, PlainResponse } from "./router";

export function webPlainRequest(req: Request): PlainRequest {
  const url = new URL(req.url);
  return {
    method: req.method,
    path: url.pathname,
    query: (name) => url.searchParams.get(name) ?? undefined,
    header: (name) => req.headers.get(name) ?? undefined,
    headerEntries: () => {
      const all: [string, string][] = [];
      req.headers.forEach((value, name) => {
        all.push([name, value]);
      });
      return all;
    },
    body: (maxBytes: number, opts?: ReadCappedOptions) =>
      readStreamCapped(req.body, req.headers.get("content-length"), maxBytes, opts),
  };
}

export function toWebResponse(res: PlainResponse, method: string): Response {
  const nullBody = method === "HEAD" || res.status === 204 || res.status === 304;
  return new Response(nullBody ? null : (res.body as BodyInit | null), { status: res.status, headers: res.headers });
}
