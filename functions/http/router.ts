/**
 * Keyplane's own small HTTP layer: plain requests in, plain responses out, no web `Request`/`Response`, streams or
 * `AbortController` on the way. A runtime adapter (runtimes/node-http.ts for node:http, runtimes/lambda.ts for API
 * Gateway v1/v2 events) turns its native request into a `PlainRequest`, calls `app.dispatch`, and writes the
 * `PlainResponse` back. Every runtime and every test goes through `dispatch`, so there is one code path.
 *
 * The route-building surface is the small part of Hono's that the areas used (`get/post/all/use/route`, `c.req.param/
 * query/header`, `c.json/text/body/html`, `c.header`, `c.get/set`, `onError`, `notFound`, `app.request` for tests),
 * so route modules read the same; the handlers return plain `{status, headers, body}` objects.
 *
 * Size: over 300 lines, kept in one file because the request view, the context and the app's matching and
 * dispatch are one object graph (a context holds its request view and app; the app builds both per request).
 */
import type { AppEnv } from "./env";
import type { ReadCappedOptions } from "./body";
import { toWebResponse, webPlainRequest } from "./web";

/** A request as every runtime hands it to the app. Header names are looked up in lower case. */
export interface PlainRequest {
  readonly method: string;
  /** The path without the query string, as received (not percent-decoded). */
  readonly path: string;
  /** The first value of a query parameter, decoded; undefined when absent. */
  query(name: string): string | undefined;
  /** One request header by lower-case name; repeated headers joined with ", "; undefined when absent. */
  header(name: string): string | undefined;
  /** Every request header as [lower-case name, value]. */
  headerEntries(): Iterable<[string, string]>;
  /**
   * The whole body, at most `maxBytes`, counted whatever `Content-Length` says; past the cap `opts.tooLarge` (default
   * BODY_TOO_LARGE, 413). Read it once.
   */
  body(maxBytes: number, opts?: ReadCappedOptions): Promise<Buffer>;
}

export type PlainBody = string | Uint8Array | null;
export type HeaderRecord = Record<string, string>;

/** A response: status, headers (a plain record; names as written) and the whole body. */
export interface PlainResponse {
  status: number;
  headers: HeaderRecord;
  body: PlainBody;
}

type Vars = AppEnv["Variables"];

/** What a runtime adapter needs of an app. */
export interface Dispatcher {
  dispatch(req: PlainRequest, env?: unknown): Promise<PlainResponse>;
}
export type Next = () => Promise<void>;
/** A handler may also return a web `Response` (tests, off the hot paths); it is read into a plain one. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler may end without a value (it called `next()`)
type HandlerResult = PlainResponse | WebResponseLike | void | undefined;
export type Handler<E = AppEnv> = (c: Context<E>, next: Next) => HandlerResult | Promise<HandlerResult>;
/** What a middleware may answer: a response, or nothing (it called `next()` and let the route answer). */
// biome-ignore lint/suspicious/noConfusingVoidType: a middleware may end without a value (`async (c, next) => { await next(); }`)
type MiddlewareResult = PlainResponse | WebResponseLike | void;
export type MiddlewareHandler<E = AppEnv> = (c: Context<E>, next: Next) => Promise<MiddlewareResult> | MiddlewareResult;
export type ErrorHandler<E = AppEnv> = (err: unknown, c: Context<E>) => PlainResponse | Promise<PlainResponse>;
export type NotFoundHandler<E = AppEnv> = (c: Context<E>) => PlainResponse | Promise<PlainResponse>;

interface WebResponseLike {
  status: number;
  headers: { forEach(cb: (value: string, name: string) => void): void };
  arrayBuffer(): Promise<ArrayBuffer>;
}

function isWebResponse(r: unknown): r is WebResponseLike {
  return typeof (r as { arrayBuffer?: unknown }).arrayBuffer === "function";
}

const FRAMING_HEADERS = new Set([
  "content-length",
  "transfer-encoding",
  "content-encoding",
  "connection",
  "keep-alive",
]);

async function fromWebResponse(r: WebResponseLike): Promise<PlainResponse> {
  const headers: HeaderRecord = {};
  // The body is read whole (and decoded, for a fetch answer): its framing headers no longer apply.
  r.headers.forEach((value, name) => {
    if (!FRAMING_HEADERS.has(name)) headers[name] = value;
  });
  const body = r.status === 204 || r.status === 304 ? null : new Uint8Array(await r.arrayBuffer());
  return { status: r.status, headers, body };
}

/** The value of a response header, by any case of its name. */
export function getHeader(res: PlainResponse, name: string): string | undefined {
  const h = res.headers;
  const v = h[name];
  if (v !== undefined) return v;
  const lower = name.toLowerCase();
  for (const k in h) if (k.toLowerCase() === lower) return h[k];
  return undefined;
}

/** Sets (or, with `undefined`, removes) a response header, replacing it under any case of its name. */
export function setHeader(res: PlainResponse, name: string, value: string | undefined): void {
  const h = res.headers;
  const lower = name.toLowerCase();
  for (const k in h) if (k !== name && k.toLowerCase() === lower) delete h[k];
  if (value === undefined) delete h[name];
  else h[name] = value;
}

/** The request as routes see it (Hono's `c.req` names). */
export class RequestView {
  params: Record<string, string> = EMPTY;
  constructor(readonly raw: PlainRequest) {}
  get method(): string {
    return this.raw.method;
  }
  get path(): string {
    return this.raw.path;
  }
  param(name: string): string {
    const v = this.params[name];
    if (v === undefined) return "";
    if (v.indexOf("%") < 0) return v;
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  }
  query(name: string): string | undefined {
    return this.raw.query(name);
  }
  header(name: string): string | undefined {
    return this.raw.header(name.toLowerCase());
  }
  /** The body as text (tests and code off the hot paths; routes read bodies with `readRequestBody`). */
  async text(): Promise<string> {
    return (await this.raw.body(Number.MAX_SAFE_INTEGER)).toString("utf8");
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}
const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class Context<E = AppEnv> {
  readonly req: RequestView;
  /** What the runtime adapter passes besides the request (`{ incoming, outgoing }` on node:http, `{ event }` on Lambda). */
  readonly env: unknown;
  /** The response so far (set once a handler answered; middleware may change its headers after `next()`). */
  res: PlainResponse = undefined as unknown as PlainResponse;
  private vars: Partial<Vars> = {};
  private pending: HeaderRecord | undefined;
  /** @internal */ app: App<E>;

  constructor(app: App<E>, req: PlainRequest, env: unknown) {
    this.app = app;
    this.req = new RequestView(req);
    this.env = env;
  }

  get<K extends keyof Vars>(key: K): Vars[K] {
    return this.vars[key] as Vars[K];
  }
  set<K extends keyof Vars>(key: K, value: Vars[K]): void {
    this.vars[key] = value;
  }

  /** Sets a header on the response to come, or on `c.res` once there is one; `undefined` removes it. */
  header(name: string, value: string | undefined): void {
    if (this.res) {
      setHeader(this.res, name, value);
      return;
    }
    if (value === undefined) {
      if (this.pending) delete this.pending[name];
      return;
    }
    (this.pending ??= {})[name] = value;
  }

  private make(
    body: PlainBody,
    status: number,
    type: string | undefined,
    headers: HeaderRecord | undefined,
  ): PlainResponse {
    const h: HeaderRecord = this.pending ? { ...this.pending } : {};
    if (type !== undefined) h["Content-Type"] = type;
    if (headers) {
      for (const k in headers) {
        if (type !== undefined && k !== "Content-Type" && k.length === 12 && k.toLowerCase() === "content-type")
          delete h["Content-Type"];
        h[k] = headers[k]!;
      }
    }
    return { status, headers: h, body };
  }

  json(value: unknown, status = 200, headers?: HeaderRecord): PlainResponse {
    return this.make(JSON.stringify(value), status, "application/json", headers);
  }
  text(text: string, status = 200, headers?: HeaderRecord): PlainResponse {
    return this.make(text, status, "text/plain; charset=UTF-8", headers);
  }
  html(html: string, status = 200, headers?: HeaderRecord): PlainResponse {
    return this.make(html, status, "text/html; charset=UTF-8", headers);
  }
  body(body: PlainBody, status = 200, headers?: HeaderRecord): PlainResponse {
    return this.make(body, status, undefined, headers);
  }
  notFound(): PlainResponse | Promise<PlainResponse> {
    return this.app.notFoundHandler(this);
  }
}

interface Entry<E> {
  method: string; // "ALL" for middleware and `all`
  match: (path: string) => Record<string, string> | undefined;
  handler: Handler<E>;
  middleware: boolean;
  pattern: string;
}

const NO_PARAMS: Record<string, string> = EMPTY;

/** Compiles `/a/:b/*` style patterns: `:name` is one non-empty segment, a trailing `*` any rest (or nothing). */
function compile(pattern: string): (path: string) => Record<string, string> | undefined {
  if (pattern === "*" || pattern === "/*") return () => NO_PARAMS;
  if (!pattern.includes(":") && !pattern.includes("*")) return (path) => (path === pattern ? NO_PARAMS : undefined);
  if (pattern.endsWith("/*") && !pattern.includes(":")) {
    const prefix = pattern.slice(0, -1); // "/hls/key/"
    const bare = pattern.slice(0, -2);
    return (path) => (path.startsWith(prefix) || path === bare ? NO_PARAMS : undefined);
  }
  const names: string[] = [];
  let src = "";
  const parts = pattern.split("/").slice(1);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === "*" && i === parts.length - 1) {
      src += "(?:/.*)?";
      break;
    }
    if (p.startsWith(":")) {
      names.push(p.slice(1));
      src += "/([^/]+)";
      continue;
    }
    src += "/" + p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const re = new RegExp(`^${src}$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) params[names[i]!] = m[i + 1]!;
    return params;
  };
}

function joinPath(prefix: string, pattern: string): string {
  if (prefix === "/" || prefix === "") return pattern;
  if (pattern === "*") return `${prefix}/*`;
  return prefix.replace(/\/$/, "") + pattern;
}

const defaultNotFound: NotFoundHandler<any> = () => ({
  status: 404,
  headers: { "Content-Type": "text/plain; charset=UTF-8" },
  body: "404 Not Found",
});
const defaultOnError: ErrorHandler<any> = () => ({
  status: 500,
  headers: { "Content-Type": "text/plain; charset=UTF-8" },
  body: "Internal Server Error",
});

/**
 * An app: middleware and routes in registration order. For a request, every matching middleware and route handler
 * runs in that order (`next()` goes on to the next one); the first to return a response answers. An error thrown by
 * any of them goes to `onError`, and the middleware around it carries on after its `next()` with that response.
 */
export class App<E = AppEnv> {
  private entries: Entry<E>[] = [];
  /** @internal */ notFoundHandler: NotFoundHandler<E> = defaultNotFound;
  private errorHandler: ErrorHandler<E> = defaultOnError;

  use(patternOrHandler: string | MiddlewareHandler<E>, ...handlers: MiddlewareHandler<E>[]): this {
    const pattern = typeof patternOrHandler === "string" ? patternOrHandler : "*";
    const list = typeof patternOrHandler === "string" ? handlers : [patternOrHandler, ...handlers];
    for (const h of list)
      this.entries.push({
        method: "ALL",
        match: compile(pattern),
        handler: h as Handler<E>,
        middleware: true,
        pattern,
      });
    return this;
  }
  on(method: string, pattern: string, handler: Handler<E>): this {
    this.entries.push({ method, match: compile(pattern), handler, middleware: false, pattern });
    return this;
  }
  get(pattern: string, handler: Handler<E>): this {
    return this.on("GET", pattern, handler);
  }
  post(pattern: string, handler: Handler<E>): this {
    return this.on("POST", pattern, handler);
  }
  put(pattern: string, handler: Handler<E>): this {
    return this.on("PUT", pattern, handler);
  }
  delete(pattern: string, handler: Handler<E>): this {
    return this.on("DELETE", pattern, handler);
  }
  options(pattern: string, handler: Handler<E>): this {
    return this.on("OPTIONS", pattern, handler);
  }
  all(pattern: string, handler: Handler<E>): this {
    return this.on("ALL", pattern, handler);
  }

  /** Mounts another app's middleware and routes under `prefix`, keeping their order. */
  route(prefix: string, sub: App<any>): this {
    for (const e of sub.entries) {
      const pattern = joinPath(prefix, e.pattern);
      this.entries.push({ ...e, pattern, match: compile(pattern) } as Entry<E>);
    }
    return this;
  }
  onError(handler: ErrorHandler<E>): this {
    this.errorHandler = handler;
    return this;
  }
  notFound(handler: NotFoundHandler<E>): this {
    this.notFoundHandler = handler;
    return this;
  }

  /** Answers one request. Never throws: errors become `onError`'s response. */
  async dispatch(req: PlainRequest, env?: unknown): Promise<PlainResponse> {
    const c = new Context<E>(this, req, env);
    const method = req.method;
    const path = req.path;
    const chain: Entry<E>[] = [];
    const params: Record<string, string>[] = [];
    for (const e of this.entries) {
      if (e.method !== "ALL" && e.method !== method && !(method === "HEAD" && e.method === "GET")) continue;
      const p = e.match(path);
      if (p === undefined) continue;
      chain.push(e);
      params.push(p);
    }
    const run = async (i: number): Promise<void> => {
      const e = chain[i];
      if (e === undefined) {
        if (!c.res) c.res = await this.notFoundHandler(c);
        return;
      }
      c.req.params = params[i]!;
      try {
        let r = await e.handler(c, () => run(i + 1));
        if (r) {
          if (isWebResponse(r)) r = await fromWebResponse(r);
          c.res = r as PlainResponse;
        } else if (!c.res && !e.middleware) {
          c.res = await this.notFoundHandler(c);
        }
      } catch (err) {
        c.res = await this.errorHandler(err, c);
      }
    };
    try {
      await run(0);
      return c.res ?? (await this.notFoundHandler(c));
    } catch {
      return { status: 500, headers: { "Content-Type": "text/plain; charset=UTF-8" }, body: "Internal Server Error" };
    }
  }

  /**
   * A web `Request` in, a web `Response` out: for tests and runtimes that speak fetch. Not used by the node:http or
   * Lambda adapters. `input` may be a path ("/healthz"), a URL or a Request.
   */
  async request(input: string | URL | Request, init?: RequestInit, env?: unknown): Promise<Response> {
    const req =
      input instanceof Request
        ? input
        : new Request(typeof input === "string" && input.startsWith("/") ? `http://localhost${input}` : input, init);
    return this.fetch(req, env);
  }

  async fetch(req: Request, env?: unknown): Promise<Response> {
    const res = await this.dispatch(webPlainRequest(req), env);
    return toWebResponse(res, req.method);
  }
}
