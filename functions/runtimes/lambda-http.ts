/**
 * The API Gateway adapter: a REST API (v1) or HTTP API (v2) proxy event as a `PlainRequest`, the `PlainResponse` as
 * the proxy result. Header names are matched in any case; base64 bodies are decoded; binary answers (a `Uint8Array`
 * body, such as an HLS key) go back base64-encoded, text answers as they are. Another runtime's adapter (Azure
 * Functions, say) is the same few lines over its own request shape.
 */
import { declaredLengthExceeds, bodyTooLarge, type ReadCappedOptions } from "../http/body";
import type { Dispatcher, PlainRequest, PlainResponse } from "../http/router";

export interface ApiGatewayEvent {
  version?: string;
  /** v1 */
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  /** v2 */
  rawPath?: string;
  rawQueryString?: string;
  cookies?: string[];
  requestContext?: { http?: { method?: string } } & Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface ApiGatewayResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

class EventPlainRequest implements PlainRequest {
  readonly method: string;
  readonly path: string;
  private readonly headers: Record<string, string> = {};
  private params: URLSearchParams | undefined;
  constructor(private readonly event: ApiGatewayEvent) {
    const v2 = event.version === "2.0";
    this.method = (v2 ? event.requestContext?.http?.method : event.httpMethod) ?? "GET";
    this.path = (v2 ? event.rawPath : event.path) ?? "/";
    const h = this.headers;
    if (event.multiValueHeaders) {
      for (const k in event.multiValueHeaders) {
        const v = event.multiValueHeaders[k];
        if (v?.length) h[k.toLowerCase()] = v.join(", ");
      }
    }
    if (event.headers) {
      for (const k in event.headers) {
        const v = event.headers[k];
        if (v !== undefined && v !== null && !(k.toLowerCase() in h)) h[k.toLowerCase()] = v;
      }
    }
    if (v2 && event.cookies?.length && h.cookie === undefined) h.cookie = event.cookies.join("; ");
  }
  query(name: string): string | undefined {
    const e = this.event;
    if (e.version === "2.0") {
      if (!e.rawQueryString) return undefined;
      this.params ??= new URLSearchParams(e.rawQueryString);
      return this.params.get(name) ?? undefined;
    }
    const multi = e.multiValueQueryStringParameters?.[name];
    if (multi?.length) return multi[0];
    return e.queryStringParameters?.[name] ?? undefined;
  }
  header(name: string): string | undefined {
    return this.headers[name];
  }
  headerEntries(): Iterable<[string, string]> {
    return Object.entries(this.headers);
  }
  body(maxBytes: number, opts: ReadCappedOptions = {}): Promise<Buffer> {
    const tooLarge = opts.tooLarge ?? bodyTooLarge;
    if (declaredLengthExceeds(this.headers["content-length"], maxBytes)) return Promise.reject(tooLarge(maxBytes));
    const b = this.event.body;
    const buf =
      b === undefined || b === null ? Buffer.alloc(0) : Buffer.from(b, this.event.isBase64Encoded ? "base64" : "utf8");
    return buf.length > maxBytes ? Promise.reject(tooLarge(maxBytes)) : Promise.resolve(buf);
  }
}

export function toApiGatewayResult(r: PlainResponse, method: string): ApiGatewayResult {
  const body = r.body;
  if (method === "HEAD" || body === null)
    return { statusCode: r.status, headers: r.headers, body: "", isBase64Encoded: false };
  if (typeof body === "string") return { statusCode: r.status, headers: r.headers, body, isBase64Encoded: false };
  return {
    statusCode: r.status,
    headers: r.headers,
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64"),
    isBase64Encoded: true,
  };
}

/** A Lambda handler for API Gateway proxy events (REST v1 or HTTP API v2) that answers with `app`. */
export function apiGatewayHandler(
  app: Dispatcher,
): (event: ApiGatewayEvent, context?: unknown) => Promise<ApiGatewayResult> {
  return async (event, context) => {
    const req = new EventPlainRequest(event);
    const res = await app.dispatch(req, { event, lambdaContext: context });
    return toApiGatewayResult(res, req.method);
  };
}
